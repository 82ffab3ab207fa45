'use strict';
// Connecting by IP literal skips DNS: no 'lookup', straight to 'connectionAttempt'. Two forms:
// net.createConnection(options, cb) and new net.Socket().connect(port, host). connect() returns the socket.
const { net, log, waitFor, done } = require('./_lib');
const server = net.createServer(sock => sock.end('hi:' + sock.remotePort));

function trace(c, name, port) {
  c.on('lookup', () => log(name, 'lookup (unexpected)'));
  c.on('connectionAttempt', (ip, p, family) => log(name, 'connectionAttempt', ip, p === port, family));
  c.on('connect', () => log(name, 'connect', c.remoteAddress, c.remoteFamily, c.remotePort === port));
  c.on('ready', () => log(name, 'ready'));
  c.on('data', d => log(name, 'data', d.toString() === 'hi:' + c.localPort));
  c.on('end', () => log(name, 'end', c.readyState));
  c.on('close', hadError => log(name, 'close', hadError, c.bytesRead > 0));
}

server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const a = net.createConnection({ port, host: '127.0.0.1' }, () => log('a', 'connect callback'));
  log('a', 'after connect()', a.connecting, a.readyState);
  trace(a, 'a', port);
  await waitFor('a close');

  const b = new net.Socket();
  log('b', 'fresh', b.connecting, b.pending, b.readyState, b.destroyed, b.remoteAddress);
  const r = b.connect(port, '127.0.0.1');
  log('b', 'connect returned itself', r === b, b.connecting, b.pending, b.readyState);
  trace(b, 'b', port);
  await waitFor('b close');
  server.close(done);
});

'use strict';
// net.connect(path): no 'lookup'; the addresses of a unix client are undefined; echo, then
// close(false). A pipe connect emits 'connectionAttempt' (the path, no port or family) inside
// connect() itself, so only listeners added before connect() see it: net.connect(path) callers
// never do. Then a missing path on a new Socket with listeners first: 'connectionAttempt' before
// connect() returns, then 'connectionAttemptFailed' and 'error' ENOENT (errno -2, syscall connect,
// address = path, no port) and close(true).
const { net, log, waitFor, tmpPath, done } = require('./_lib');
const p = tmpPath('client.sock');
const missing = tmpPath('missing.sock');
const server = net.createServer(sock => {
  sock.on('data', d => sock.end('echo:' + d));
});

function trace(name, c, path) {
  c.on('lookup', () => log(name, 'lookup (unexpected)'));
  c.on('connectionAttempt', (ip, port, family) => log(name, 'connectionAttempt', ip === path, port, family));
  c.on('connectionAttemptFailed', (ip, port, family, e) =>
    log(name, 'connectionAttemptFailed', ip === path, port, family, e.code));
  c.on('connect', () => {
    log(name, 'connect', c.remoteAddress, c.remotePort, c.remoteFamily, c.localAddress, c.localPort, c.readyState);
    c.write('ping');
  });
  c.on('data', d => log(name, 'data', d.toString()));
  c.on('end', () => log(name, 'end'));
  c.on('error', e => log(name, 'error', e.code, e.errno, e.syscall, e.address === path, e.port,
    e.message === 'connect ENOENT ' + path));
  c.on('close', hadError => log(name, 'close', hadError, c.readyState));
}

server.listen(p, async () => {
  const c = net.connect(p, () => log('live', 'connect callback'));
  log('live', 'after connect()', c.connecting, c.readyState);
  trace('live', c, p);
  await waitFor('live close');
  const m = new net.Socket();
  trace('missing', m, missing);
  m.connect({ path: missing });
  log('missing', 'after connect()', m.connecting, m.readyState);
  await waitFor('missing close');
  server.close(done);
});

'use strict';
// Accepted socket properties inside 'connection' (server on 127.0.0.1), and bytes counters after close.
const { net, log, connect, done } = require('./_lib');
let client;
const server = net.createServer(sock => {
  const port = server.address().port;
  log('remote', sock.remoteAddress, sock.remoteFamily);
  log('local', sock.localAddress, sock.localFamily, sock.localPort === port);
  const a = sock.address();
  log('address()', a.address, a.family, a.port === port);
  log('bytes', sock.bytesRead, sock.bytesWritten);
  log('state', sock.readyState, sock.connecting, sock.pending, sock.destroyed, sock.readable, sock.writable);
  log('options', sock.allowHalfOpen, sock.timeout, sock.readableHighWaterMark, sock.writableHighWaterMark);
  log('flow', sock.isPaused(), sock.readableFlowing);
  log('write returned', sock.write('0123456789'));
  log('bytesWritten after write', sock.bytesWritten);
  sock.on('data', d => log('data', d.length));
  sock.on('close', hadError => {
    log('close', hadError, sock.bytesRead, sock.bytesWritten, sock.remoteAddress);
    server.close(done);
  });
  sock.end();
});
server.listen(0, '127.0.0.1', () => {
  client = connect(server.address().port);
  client.on('end', () => client.end('abc'));
  client.on('connect', () => {});
});

'use strict';
// The server answers the client's first data with resetAndDestroy(): the client sees 'error'
// ECONNRESET (errno -104, syscall read), no 'end', then close(true).
const { net, log, done } = require('./_lib');
const server = net.createServer(sock => {
  sock.on('data', () => sock.resetAndDestroy());
  sock.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('connect', () => {
    log('connect');
    c.write('hello');
  });
  c.on('data', d => log('data (unexpected)', d.toString()));
  c.on('end', () => log('end (unexpected)'));
  c.on('error', e => log('error', e.code, e.errno, e.syscall, e.address, e.port, e.message, c.destroyed));
  c.on('close', hadError => {
    log('close', hadError, c.readyState, c.bytesWritten);
    server.close(done);
  });
});

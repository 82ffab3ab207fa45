'use strict';
// Writes made while connecting are queued: write() returns true below the high-water mark,
// writableLength and bytesWritten already count them, nothing is dispatched before 'connect';
// after it they go out in order and their callbacks run in order. The server logs what arrived.
const { net, log, done } = require('./_lib');
let received = '';
const server = net.createServer(sock => {
  sock.on('data', d => { received += d; });
  sock.on('end', () => log('server got', received));
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  log('write a', c.write('a', err => log('callback a', err, c.connecting)));
  log('queued', c.writableLength, c.bytesWritten, c.connecting, c.writableNeedDrain);
  log('write bc', c.write(Buffer.from('bc'), err => log('callback bc', err)));
  log('write def', c.write('def', err => {
    log('callback def', err);
    process.nextTick(() => {
      log('flushed', c.writableLength, c.bytesWritten);
      c.end();
    });
  }));
  log('queued', c.writableLength, c.bytesWritten, c.connecting);
  c.on('connect', () => log('connect', c.writableLength, c.bytesWritten));
  c.on('drain', () => log('drain (unexpected)'));
  c.on('end', () => log('end'));
  c.on('close', hadError => {
    log('close', hadError, c.bytesWritten);
    server.close(done);
  });
});

'use strict';
// write() after end(): the callback gets ERR_STREAM_WRITE_AFTER_END, then 'error', then close(true).
const { net, log, connect, done } = require('./_lib');
const server = net.createServer(sock => {
  sock.on('error', e => log('error', e.code, e.message));
  sock.on('close', hadError => {
    log('close', hadError);
    server.close(done);
  });
  sock.end();
  const r = sock.write('x', err => log('write callback', err && err.code, err && err.message));
  log('write returned', r);
});
server.listen(0, '127.0.0.1', () => {
  connect(server.address().port);
});

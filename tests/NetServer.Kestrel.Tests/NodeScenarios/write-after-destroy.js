'use strict';
// write() after destroy(): the callback gets ERR_STREAM_DESTROYED, no 'error', close(false).
const { net, log, connect, done } = require('./_lib');
const server = net.createServer(sock => {
  sock.on('error', e => log('error', e.code));
  sock.on('close', hadError => {
    log('close', hadError);
    server.close(done);
  });
  sock.destroy();
  log('destroyed', sock.destroyed, sock.readyState);
  const r = sock.write('x', err => log('write callback', err && err.code, err && err.message));
  log('write returned', r);
});
server.listen(0, '127.0.0.1', () => {
  connect(server.address().port);
});

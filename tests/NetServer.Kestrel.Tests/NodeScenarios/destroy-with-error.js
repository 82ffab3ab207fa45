'use strict';
// destroy(err): 'error' with that error, then close(true).
const { net, log, connect, done } = require('./_lib');
const server = net.createServer(sock => {
  sock.on('error', e => log('error', e.message, sock.destroyed));
  sock.on('close', hadError => {
    log('close', hadError);
    server.close(done);
  });
  const r = sock.destroy(new Error('boom'));
  log('after destroy', r === sock, sock.destroyed, sock.readyState);
});
server.listen(0, '127.0.0.1', () => connect(server.address().port));

'use strict';
// A peer RST: 'error' ECONNRESET (syscall read, errno -104), then close(true), no 'end'; the server stays silent.
const { net, log, connect, waitFor, done } = require('./_lib');
const server = net.createServer(sock => {
  log('connection');
  sock.on('end', () => log('end'));
  sock.on('error', e => log('error', e.code, e.errno, e.syscall, e.message));
  sock.on('close', hadError => {
    log('close', hadError);
    server.getConnections((err, n) => {
      log('connections', err, n);
      server.close(done);
    });
  });
});
server.on('error', e => log('server error', e.code));
server.listen(0, '127.0.0.1', async () => {
  const c = connect(server.address().port);
  await c.connected;
  await waitFor('connection');
  c.resetAndDestroy();
});

'use strict';
// allowHalfOpen=false: after the peer's FIN the socket ends itself; a write from 'finish' fails with
// EPIPE ("This socket has been ended by the other party").
const { net, log, connect, done } = require('./_lib');
const server = net.createServer(sock => {
  sock.on('data', d => log('data', d.toString()));
  sock.on('end', () => log('end', sock.writable));
  sock.on('finish', () => {
    log('finish', sock.destroyed);
    const r = sock.write('late', err => log('write callback', err && err.code, err && err.message));
    log('write returned', r);
  });
  sock.on('error', e => log('error', e.code, e.message));
  sock.on('close', hadError => {
    log('close', hadError);
    server.close(done);
  });
});
server.listen(0, '127.0.0.1', async () => {
  const c = connect(server.address().port);
  await c.connected;
  c.end('hello');
});

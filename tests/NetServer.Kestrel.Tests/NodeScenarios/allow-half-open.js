'use strict';
// allowHalfOpen: after the peer's FIN the socket stays writeOnly; it writes, then ends itself.
const { net, log, connect, waitFor, done } = require('./_lib');
const server = net.createServer({ allowHalfOpen: true }, sock => {
  log('connection', sock.allowHalfOpen);
  sock.on('data', d => log('data', d.toString()));
  sock.on('end', () => {
    log('end', sock.readyState, sock.writable);
    setImmediate(() => {
      log('still', sock.readyState, sock.destroyed);
      log('write returned', sock.write('late,'));
      sock.end('bye', () => log('end callback'));
      log('after end', sock.readyState, sock.writableEnded);
    });
  });
  sock.on('finish', () => log('finish', sock.readyState));
  sock.on('close', hadError => log('close', hadError, sock.bytesWritten));
});
server.listen(0, '127.0.0.1', async () => {
  const c = connect(server.address().port);
  c.allowHalfOpen = true;
  await c.connected;
  c.end('hello');
  const received = await c.received;
  await waitFor('close');
  log('client received', received);
  server.close(done);
});

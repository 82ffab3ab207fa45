'use strict';
// Client writes "hello" then half-closes; default allowHalfOpen=false ends the server side automatically.
const { net, log, connect, waitFor, done } = require('./_lib');
const server = net.createServer(sock => {
  log('connection', sock.readyState, sock.readable, sock.writable, sock.bytesRead);
  sock.on('data', d => log('data', d.length, d.toString()));
  sock.on('end', () => log('end', sock.readyState, sock.writableEnded));
  sock.on('finish', () => log('finish', sock.readyState));
  sock.on('close', hadError => {
    log('close', hadError, sock.destroyed, sock.readyState, sock.bytesRead);
    server.close(() => log('server closed'));
  });
});
server.listen(0, '127.0.0.1', async () => {
  log('listening');
  const c = connect(server.address().port);
  await c.connected;
  c.end('hello');
  const received = await c.received;
  await waitFor('server closed');
  log('client received', JSON.stringify(received));
  done();
});

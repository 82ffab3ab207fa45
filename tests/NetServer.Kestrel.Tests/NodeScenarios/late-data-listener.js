'use strict';
// Bytes that arrive before a 'data' listener exists are buffered; 'end' waits until they are consumed.
const { net, log, connect, done } = require('./_lib');
const server = net.createServer(sock => {
  sock.on('end', () => log('end', sock.readableLength));
  sock.on('close', hadError => {
    log('close', hadError, sock.bytesRead);
    server.close(done);
  });
  const start = Date.now();
  const poll = () => {
    if (sock.readableLength < 5 && Date.now() - start < 5000) return setImmediate(poll);
    log('buffered', sock.readableLength, sock.readableFlowing);
    sock.on('data', d => log('data', d.toString(), sock.readableFlowing));
  };
  setImmediate(poll);
});
server.listen(0, '127.0.0.1', async () => {
  const c = connect(server.address().port);
  await c.connected;
  c.end('hello');
});

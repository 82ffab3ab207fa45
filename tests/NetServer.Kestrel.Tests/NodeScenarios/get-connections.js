'use strict';
// getConnections(): asynchronous, counts up before 'connection', down when a socket is destroyed.
const { net, log, connect, waitFor, done } = require('./_lib');
let k = 0;
const server = net.createServer(sock => {
  const id = ++k;
  server.getConnections((err, n) => log(`in connection ${id}`, err, n));
  sock.on('close', () => server.getConnections((err, n) => log(`after close ${id}`, err, n)));
});
const r = server.getConnections((err, n) => log('before listen', err, n));
log('returned server', r === server);
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const a = connect(port);
  await waitFor('in connection 1');
  const b = connect(port);
  await waitFor('in connection 2');
  a.end();
  await waitFor('after close 1');
  b.end();
  await waitFor('after close 2');
  server.close(done);
});

'use strict';
// Default host is '::' dual-stack: IPv4 peers appear IPv4-mapped with family IPv6; IPv6 peers as ::1.
const { net, log, connect, waitFor, done } = require('./_lib');
let k = 0;
const server = net.createServer(sock => {
  const id = ++k;
  log(`peer ${id}`, sock.remoteAddress, sock.remoteFamily, sock.localAddress, sock.localFamily,
    sock.localPort === server.address().port);
  sock.end();
});
server.listen(0, async () => {
  const a = server.address();
  log('address', a.address, a.family);
  const c4 = connect(a.port, '127.0.0.1');
  await waitFor('peer 1');
  await c4.received;
  const c6 = connect(a.port, '::1');
  await waitFor('peer 2');
  await c6.received;
  server.close(done);
});

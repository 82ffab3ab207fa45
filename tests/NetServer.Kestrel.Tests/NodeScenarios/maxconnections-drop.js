'use strict';
// maxConnections: an extra connection is accepted then closed (the client sees EOF), is not counted,
// never reaches 'connection', and 'drop' carries both ends' addresses.
const { net, log, connect, waitFor, done } = require('./_lib');
const server = net.createServer(sock => log('connection'));
server.maxConnections = 1;
let dropped;
server.on('drop', d => {
  dropped = d;
  log('drop');
});
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const a = connect(port);
  await waitFor('connection');
  const clientB = connect(port);
  await clientB.connected;
  await waitFor('drop');
  log('drop local', dropped.localAddress, dropped.localFamily, dropped.localPort === port);
  log('drop remote', dropped.remoteAddress, dropped.remoteFamily, dropped.remotePort === clientB.localPort);
  log('client B received', JSON.stringify(await clientB.received));
  server.getConnections((err, n) => log('connections', n));
  await waitFor('connections');
  a.end();
  server.close(() => { log('server closed'); done(); });
});

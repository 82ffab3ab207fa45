'use strict';
// maxConnections = 0 (Node >= 21: drop everything) on a Unix socket server: 'drop' with no argument.
const { net, fs, log, connect, waitFor, tmpPath, done } = require('./_lib');
const p = tmpPath('drop.sock');
const server = net.createServer(() => log('connection'));
server.maxConnections = 0;
server.on('drop', (...args) => log('drop', args.length));
server.listen(p, async () => {
  log('listening', server.address() === p);
  const c = connect(p);
  await waitFor('drop');
  log('client received', JSON.stringify(await c.received));
  server.getConnections((err, n) => log('connections', n));
  await waitFor('connections');
  server.close(() => {
    log('closed, file exists', fs.existsSync(p));
    done();
  });
});

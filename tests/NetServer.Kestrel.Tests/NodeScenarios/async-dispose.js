'use strict';
// [Symbol.asyncDispose]: a no-op on a server that is not listening (no 'close'); otherwise it closes
// and resolves after 'close', which waits for the open connection.
const { net, log, connect, waitFor, done } = require('./_lib');
(async () => {
  const idle = net.createServer();
  idle.on('close', () => log('idle close (unexpected)'));
  await idle[Symbol.asyncDispose]();
  log('idle disposed');

  const server = net.createServer(sock => {
    log('connection');
    sock.on('close', hadError => { socketClosed = hadError; });
  });
  let socketClosed;
  server.on('close', () => log('server close'));
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  const c = connect(server.address().port);
  await waitFor('connection');
  const disposing = server[Symbol.asyncDispose]().then(() => log('disposed'));
  log('dispose started', server.listening);
  c.end();
  await disposing;
  await new Promise(r => (function poll() { socketClosed === undefined ? setImmediate(poll) : r(); })());
  log('socket closed', socketClosed);
  done();
})();

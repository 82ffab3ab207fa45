'use strict';
// close() on a server that never listened: callbacks get ERR_SERVER_NOT_RUNNING and 'close' is still
// emitted, once per call.
const { net, log, done } = require('./_lib');
const server = net.createServer();
let n = 0;
server.on('close', () => log('close event', ++n));
const r = server.close(err => log('callback 1', err.code, err.message));
log('returned server', r === server, server.listening);
server.close(err => log('callback 2', err.code));
log('sync end');
setImmediate(() => setImmediate(() => {
  log('listeners', server.listenerCount('close'));
  done();
}));

'use strict';
// allowHalfOpen client: the server ends first; after 'end' the client is 'writeOnly', still
// writes and then ends with data; 'finish', close(false). What the server received is logged
// after the client's close.
const { net, log, done } = require('./_lib');
let received = '';
let serverEnded;
const serverEnd = new Promise(resolve => { serverEnded = resolve; });
const server = net.createServer({ allowHalfOpen: true }, sock => {
  sock.on('data', d => { received += d; });
  sock.on('end', () => serverEnded());
  sock.end('bye');
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect({ port: server.address().port, host: '127.0.0.1', allowHalfOpen: true });
  log('allowHalfOpen', c.allowHalfOpen);
  c.on('data', d => log('data', d.toString()));
  c.on('end', () => {
    log('end', c.readyState, c.writable, c.readable);
    setImmediate(() => {
      log('still', c.readyState, c.destroyed);
      log('write returned', c.write('late,'));
      c.end('done', () => log('end callback'));
    });
  });
  c.on('finish', () => log('finish', c.readyState));
  c.on('close', async hadError => {
    log('close', hadError, c.bytesRead, c.bytesWritten);
    await serverEnd;
    log('server received', received);
    server.close(done);
  });
});

'use strict';
// end(data) while connecting: the socket is at once not writable (readyState stays 'opening');
// after 'connect' the data and the FIN go out, then 'finish'. The server replies and ends only
// after the client's 'finish' is logged, so the client reads the reply, 'end', then close(false).
const { net, log, waitFor, done } = require('./_lib');
let received = '';
const server = net.createServer({ allowHalfOpen: true }, sock => {
  sock.on('data', d => { received += d; });
  sock.on('end', () => waitFor('finish').then(() => sock.end('got:' + received)));
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  const r = c.end('early', () => log('end callback', c.readyState));
  log('after end()', r === c, c.connecting, c.readyState, c.writable, c.writableEnded, c.writableFinished, c.writableLength);
  c.on('connect', () => log('connect', c.readyState, c.writableEnded));
  c.on('finish', () => log('finish', c.readyState, c.writableFinished));
  c.on('data', d => log('data', d.toString()));
  c.on('end', () => log('end', c.readyState));
  c.on('close', hadError => {
    log('close', hadError, c.bytesRead, c.bytesWritten);
    server.close(done);
  });
});

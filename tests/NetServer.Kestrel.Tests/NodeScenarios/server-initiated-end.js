'use strict';
// The server ends first: finish while readOnly, then the peer's FIN gives end, then close(false).
const { net, log, connect, done } = require('./_lib');
const server = net.createServer(sock => {
  sock.on('end', () => log('end', sock.readyState));
  sock.on('finish', () => log('finish', sock.readyState, sock.writableFinished));
  sock.on('close', hadError => {
    log('close', hadError, sock.readyState);
    server.close(done);
  });
  const r = sock.end('bye', () => log('end callback', sock.readyState));
  log('after end', r === sock, sock.writableEnded, sock.readyState);
});
// The client (allowHalfOpen=false) ends its side when it reads the server's FIN.
server.listen(0, '127.0.0.1', () => connect(server.address().port));

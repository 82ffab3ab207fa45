'use strict';
// close() called inside the 'connection' listener: the socket keeps working, new clients are
// refused, and the server's 'close' fires exactly once, after that socket is done (before its 'close').
const { net, log, waitFor, done } = require('./_lib');
let closes = 0;
const server = net.createServer(sock => {
  server.close(err => log('close callback', err ? err.code : 'no error'));
  log('connection', 'listening', server.listening);
  sock.on('data', d => {
    log('data', d.toString());
    sock.write('echo:' + d);
  });
  sock.on('end', () => log('end'));
  sock.on('close', hadError => log('socket close', hadError));
});
server.on('close', () => log('server close event', ++closes));
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const c = net.connect(port, '127.0.0.1');
  await waitFor('connection');
  const refused = net.connect(port, '127.0.0.1');
  refused.on('error', e => log('second client error', e.code));
  await waitFor('second client error');
  c.write('ping');
  await new Promise(r => c.once('data', d => { log('client got', d.toString()); r(); }));
  c.end();
  await waitFor('socket close');
  setImmediate(() => setImmediate(() => {
    log('close events', closes);
    done();
  }));
});

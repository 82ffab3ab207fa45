'use strict';
// close() stops accepting at once but keeps connections; 'close' fires when the last one goes,
// before that socket's own 'close'.
const { net, log, connect, waitFor, done } = require('./_lib');
const server = net.createServer(sock => {
  log('connection');
  sock.on('data', d => {
    log('data', d.toString());
    sock.write('echo:' + d);
  });
  sock.on('end', () => log('end'));
  sock.on('close', hadError => log('socket close', hadError));
});
server.on('close', () => log('server close event', server.listening));
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const c = connect(port);
  await waitFor('connection');
  server.close(err => log('close callback', err ? err.code : 'no error'));
  log('after close', server.listening, server.address());
  const refused = net.connect(port, '127.0.0.1');
  refused.on('error', e => log('second client error', e.code));
  await waitFor('second client error');
  c.write('ping');
  await new Promise(r => c.once('data', d => { log('client got', d.toString()); r(); }));
  c.end();
  await waitFor('socket close');
  done();
});

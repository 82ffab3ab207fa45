'use strict';
// EADDRINUSE is an async 'error' with Node's fields; close()+listen() retries: 'close', the close
// callback (ERR_SERVER_NOT_RUNNING), 'listening', the failed listen's callback, the retry's callback.
const { net, log, done } = require('./_lib');
const holder = net.createServer();
holder.listen(0, '127.0.0.1', () => {
  const port = holder.address().port;
  const server = net.createServer();
  server.on('close', () => log('close', server.listening));
  server.on('listening', () => log('listening', server.address().port !== port));
  server.once('error', e => {
    log('error', e.code, e.errno, e.syscall, e.address, e.port === port);
    log('message', e.message.replace(String(port), 'PORT'));
    log('state', server.listening, server.address());
    server.close(err => log('close callback', err && err.code, err && err.message));
    server.listen(0, '127.0.0.1', () => {
      log('retry callback');
      server.close(() => holder.close(done));
    });
  });
  const r = server.listen(port, '127.0.0.1', () => log('first listen callback'));
  log('listen returned', r === server);
});

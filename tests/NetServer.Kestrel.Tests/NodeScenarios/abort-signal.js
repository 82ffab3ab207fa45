'use strict';
// An abort behaves like close(): listening false at once, existing connections survive, 'close' waits.
// An already-aborted signal: 'close' only, never 'listening'.
const { net, log, connect, waitFor, done } = require('./_lib');
(async () => {
  const pre = net.createServer();
  pre.on('listening', () => log('pre listening (unexpected)'));
  pre.on('close', () => log('pre close'));
  pre.listen({ port: 0, host: '127.0.0.1', signal: AbortSignal.abort() });
  await waitFor('pre close');

  const ac = new AbortController();
  const server = net.createServer(sock => {
    log('connection');
    sock.on('data', d => sock.write(d));
    sock.on('close', hadError => log('socket close', hadError));
  });
  server.on('close', () => log('server close'));
  server.listen({ port: 0, host: '127.0.0.1', signal: ac.signal }, () => log('listening'));
  await waitFor('listening');
  const c = connect(server.address().port);
  await waitFor('connection');
  ac.abort();
  log('aborted', server.listening, server.address());
  c.write('still-open');
  await new Promise(r => c.once('data', d => { log('client echo', d.toString()); r(); }));
  c.end();
  await waitFor('socket close');
  done();
})();

'use strict';
// An AbortSignal on a client: aborting while connecting (or resolving) destroys the socket at once
// with an AbortError (an Error, code ABORT_ERR), then close(true), never 'connect'. Aborting an
// established connection destroys it the same way. (An already-aborted signal is left out: Node 24
// then emits 'error' and close(undefined) on a socket that is not destroyed, and connects anyway.)
const { net, log, waitFor, kind, done } = require('./_lib');
const server = net.createServer(sock => sock.on('error', () => {}));

function trace(name, c) {
  c.on('connect', () => log(name, 'connect'));
  c.on('error', e => log(name, 'error', kind(e), e.code, e.message, c.destroyed));
  c.on('close', hadError => log(name, 'close', hadError, c.readyState));
}

server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const ac = new AbortController();
  const a = net.connect({ port, host: '127.0.0.1', signal: ac.signal });
  trace('connecting', a);
  ac.abort();
  log('connecting', 'after abort()', a.destroyed, a.connecting);
  await waitFor('connecting close');

  // The same while 'localhost' is being resolved: no 'lookup' reaches the listener.
  const acr = new AbortController();
  const r = net.connect({ port, signal: acr.signal });
  trace('resolving', r);
  r.on('lookup', () => log('resolving', 'lookup (unexpected)'));
  acr.abort();
  await waitFor('resolving close');

  const ac2 = new AbortController();
  const c = net.connect({ port, host: '127.0.0.1', signal: ac2.signal });
  trace('open', c);
  await waitFor('open connect');
  ac2.abort();
  log('open', 'after abort()', c.destroyed);
  await waitFor('open close');
  server.close(done);
});

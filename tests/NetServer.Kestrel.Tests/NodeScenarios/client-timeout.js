'use strict';
// A client whose server never answers: the timeout option (net.connect({ timeout })) and
// setTimeout() on a new Socket before connect() both arm the idle timer; 'timeout' fires once,
// the socket stays open until the client destroys it, then close(false).
const { net, log, waitFor, done } = require('./_lib');
const server = net.createServer(() => {});

function trace(name, c) {
  c.on('connect', () => log(name, 'connect', c.timeout));
  c.on('timeout', () => {
    log(name, 'timeout', c.readyState, c.destroyed, c.connecting);
    c.destroy();
  });
  c.on('close', hadError => log(name, 'close', hadError, c.timeout));
}

server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const a = net.connect({ port, host: '127.0.0.1', timeout: 60 });
  log('a', 'after connect()', a.timeout);
  trace('a', a);
  await waitFor('a close');

  const b = new net.Socket();
  const r = b.setTimeout(60, () => log('b', 'setTimeout callback'));
  log('b', 'setTimeout before connect', r === b, b.timeout);
  trace('b', b);
  b.connect(port, '127.0.0.1');
  await waitFor('b close');
  server.close(done);
});

'use strict';
// destroy() while connecting: only close(false): no 'lookup', 'connectionAttempt', 'connect' or
// 'error'; both queued writes' callbacks get ERR_SOCKET_CLOSED_BEFORE_CONNECTION. Once by IP literal,
// once while 'localhost' is being resolved. A live client afterwards is the server's first
// connection: the destroyed ones never reached it.
const { net, log, waitFor, done } = require('./_lib');
let connections = 0;
const server = net.createServer(sock => {
  connections++;
  sock.end();
});

function destroyEarly(name, c) {
  c.write('x', err => log(name, 'write callback', err && err.code));
  c.write('y', err => log(name, 'second write callback', err && err.code));
  for (const e of ['lookup', 'connectionAttempt', 'connect', 'ready', 'end', 'finish', 'error']) {
    c.on(e, () => log(name, e, '(unexpected)'));
  }
  c.on('close', hadError => log(name, 'close', hadError, c.destroyed, c.connecting, c.readyState, c.bytesWritten));
  const r = c.destroy();
  log(name, 'after destroy()', r === c, c.destroyed, c.connecting, c.readyState, c.pending);
}

server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  destroyEarly('ip', net.connect(port, '127.0.0.1'));
  await waitFor('ip close');
  destroyEarly('name', net.connect(port, 'localhost'));
  await waitFor('name close');
  const live = net.connect(port, '127.0.0.1');
  live.resume();
  live.on('close', () => {
    log('live closed, server connections', connections);
    server.close(done);
  });
});

'use strict';
// setTimeout(ms): 'timeout' fires once per idle period, does not close the socket, is re-armed by
// activity; setTimeout(0) disables it.
const { net, log, connect, waitFor, done } = require('./_lib');
let count = 0;
const server = net.createServer(sock => {
  log('connection timeout', sock.timeout);
  const r = sock.setTimeout(50);
  log('setTimeout returned', r === sock, sock.timeout);
  sock.on('data', d => log('data', d.toString()));
  sock.on('timeout', () => {
    count++;
    log('timeout', count, sock.readyState, sock.destroyed);
    if (count === 1) {
      // Four more idle periods: it must not fire again without activity.
      setTimeout(() => log('after idle', count), 200);
    } else {
      sock.setTimeout(0);
      log('disabled', sock.timeout);
      sock.end();
    }
  });
  sock.on('close', hadError => {
    log('close', hadError, count);
    server.close(done);
  });
});
server.listen(0, '127.0.0.1', async () => {
  const c = connect(server.address().port);
  await waitFor('after idle');
  c.write('ping');
});

'use strict';
// A refused connect (a port just freed by a closed listener): 'connectionAttempt', then
// 'connectionAttemptFailed' with the error, 'error' ECONNREFUSED (errno -111, syscall connect,
// address and port), then close(true); never 'connect'. Queued writes fail with the socket: the
// first (the one waiting for 'connect') with ERR_SOCKET_CLOSED_BEFORE_CONNECTION, the one behind it
// with the socket's error.
const { net, log, done } = require('./_lib');
const probe = net.createServer();
probe.listen(0, '127.0.0.1', () => {
  const port = probe.address().port;
  probe.close(() => {
    const c = net.connect(port, '127.0.0.1');
    c.write('lost', err => log('write callback', err && err.code, err && err.message));
    c.write('also lost', err => log('second write callback', err && err.code));
    c.on('connectionAttempt', (ip, p, family) => log('connectionAttempt', ip, p === port, family));
    c.on('connectionAttemptFailed', (ip, p, family, e) =>
      log('connectionAttemptFailed', ip, p === port, family, e.code, c.connecting));
    c.on('connect', () => log('connect (unexpected)'));
    c.on('error', e => {
      log('error', e.code, e.errno, e.syscall, e.address, e.port === port, e.message.replace(String(port), '<port>'));
      log('error state', c.connecting, c.destroyed, c.readyState, c.pending, c.bytesWritten);
    });
    c.on('close', hadError => {
      log('close', hadError, c.connecting, c.destroyed, c.readyState, c.remoteAddress, c.bytesRead);
      done();
    });
  });
});

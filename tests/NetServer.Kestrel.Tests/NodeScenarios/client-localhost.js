'use strict';
// net.connect(port, 'localhost'): the state while connecting, 'lookup' (localhost is 127.0.0.1 only
// here), one 'connectionAttempt', the connect callback before 'connect', 'ready', an echo, then
// end → finish → end → close(false) and the byte counters. The server ends only after the
// client's 'finish' is logged, so 'finish' and 'end' cannot swap.
const { net, log, waitFor, done } = require('./_lib');
const server = net.createServer({ allowHalfOpen: true }, sock => {
  sock.on('data', d => sock.write('echo:' + d));
  sock.on('end', () => waitFor('finish').then(() => sock.end()));
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const c = net.connect(port, 'localhost', () => log('connect callback', c.connecting));
  log('after connect()', c.connecting, c.pending, c.readyState, c.remoteAddress, c.remotePort, c.localPort,
    c.bytesRead, c.bytesWritten, c.server, c.autoSelectFamilyAttemptedAddresses);
  c.on('lookup', (err, address, family, host) => log('lookup', err, address, family, host));
  c.on('connectionAttempt', (ip, p, family) => log('connectionAttempt', ip, p === port, family));
  c.on('connectionAttemptFailed', (ip, p, family, e) => log('connectionAttemptFailed (unexpected)', ip, e.code));
  c.on('connect', () => {
    log('connect', c.connecting, c.pending, c.readyState);
    log('remote', c.remoteAddress, c.remotePort === port, c.remoteFamily);
    log('local', c.localAddress, c.localFamily, typeof c.localPort, c.localPort > 0);
    log('attempted', c.autoSelectFamilyAttemptedAddresses);
    c.write('hello');
  });
  c.on('ready', () => log('ready', c.readyState));
  c.on('data', d => {
    log('data', d.toString());
    c.end();
    log('after end()', c.readyState, c.writableEnded);
  });
  c.on('finish', () => log('finish', c.readyState));
  c.on('end', () => log('end', c.readyState));
  c.on('error', e => log('error (unexpected)', e.code));
  c.on('close', hadError => {
    log('close', hadError, c.destroyed, c.readyState, c.bytesRead, c.bytesWritten, c.connecting, c.pending);
    server.close(done);
  });
});

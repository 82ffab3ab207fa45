'use strict';
// Family selection (happy eyeballs) on this machine, where no name resolves to both an IPv6 and an
// IPv4 address (localhost is 127.0.0.1 only): 'localhost' with autoSelectFamily true / false / default. With a single address Node falls back
// to one plain attempt: 'lookup' per address, one 'connectionAttempt', and
// autoSelectFamilyAttemptedAddresses stays undefined. A refused single attempt is a plain
// ECONNREFUSED, not an aggregate.
const { net, log, waitFor, done } = require('./_lib');
const server = net.createServer(sock => sock.end());

function trace(name, c) {
  c.on('lookup', (err, address, family, host) => log(name, 'lookup', err, address, family, host));
  c.on('connectionAttempt', (ip, port, family) => log(name, 'connectionAttempt', ip, family));
  c.on('connectionAttemptFailed', (ip, port, family, e) => log(name, 'connectionAttemptFailed', ip, family, e.code));
  c.on('connectionAttemptTimeout', () => log(name, 'connectionAttemptTimeout (unexpected)'));
  c.on('connect', () => log(name, 'connect', c.remoteAddress, c.autoSelectFamilyAttemptedAddresses));
  c.on('error', e => log(name, 'error', e.code, e instanceof AggregateError, e.message.replace(/:\d+$/, ':<port>')));
  c.on('close', hadError => log(name, 'close', hadError, c.autoSelectFamilyAttemptedAddresses));
  c.resume();
}

const probe = net.createServer();
probe.listen(0, '127.0.0.1', () => {
  const closedPort = probe.address().port;
  probe.close(() => server.listen(0, '127.0.0.1', async () => {
    const port = server.address().port;
    trace('auto', net.connect({ port, host: 'localhost', autoSelectFamily: true, autoSelectFamilyAttemptTimeout: 10 }));
    await waitFor('auto close');
    trace('off', net.connect({ port, host: 'localhost', autoSelectFamily: false }));
    await waitFor('off close');
    trace('default', net.connect(port, 'localhost'));
    await waitFor('default close');
    trace('refused', net.connect({ port: closedPort, host: 'localhost', autoSelectFamily: true }));
    await waitFor('refused close');
    server.close(done);
  }));
});

'use strict';
// Family selection with both families: no name on this machine resolves to both ::1 and 127.0.0.1,
// so a custom lookup answers 'dual.test' with [::1, 127.0.0.1]. A server on 127.0.0.1 only:
// one 'lookup' per address, the ::1 attempt fails (ECONNREFUSED), the 127.0.0.1 attempt connects,
// autoSelectFamilyAttemptedAddresses lists both. Both refused: one AggregateError whose code is
// the attempts' code, empty message, and every attempt's error inside. autoSelectFamily false:
// one lookup (the first address), a plain ECONNREFUSED.
const { net, log, waitFor, done } = require('./_lib');
const server = net.createServer(sock => sock.end());

// Answers later, as dns.lookup does, so listeners added after connect() see every event.
function dual(host, options, cb) {
  const all = [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }];
  setImmediate(() => (options.all ? cb(null, all) : cb(null, all[0].address, all[0].family)));
}

function trace(name, c, port) {
  const p = s => s.split(String(port)).join('<port>');
  c.on('lookup', (err, address, family, host) => log(name, 'lookup', err, address, family, host));
  c.on('connectionAttempt', (ip, q, family) => log(name, 'connectionAttempt', ip, q === port, family));
  c.on('connectionAttemptFailed', (ip, q, family, e) =>
    log(name, 'connectionAttemptFailed', ip, q === port, family, e.code, p(e.message)));
  c.on('connectionAttemptTimeout', () => log(name, 'connectionAttemptTimeout (unexpected)'));
  c.on('connect', () => log(name, 'connect', c.remoteAddress, c.remoteFamily));
  c.on('error', e => {
    log(name, 'error', e.constructor.name, e.code, JSON.stringify(p(e.message)), e.errors && e.errors.length);
    for (const inner of e.errors || []) {
      log(name, 'inner', inner.code, inner.errno, inner.syscall, inner.address, inner.port === port, p(inner.message));
    }
  });
  c.on('close', hadError => log(name, 'close', hadError, p(String(c.autoSelectFamilyAttemptedAddresses))));
  c.resume();
}

const probe = net.createServer();
probe.listen(0, '127.0.0.1', () => {
  const closedPort = probe.address().port;
  probe.close(() => server.listen(0, '127.0.0.1', async () => {
    const port = server.address().port;
    trace('v4 only', net.connect({ port, host: 'dual.test', lookup: dual }), port);
    await waitFor('v4 only close');
    trace('none', net.connect({ port: closedPort, host: 'dual.test', lookup: dual }), closedPort);
    await waitFor('none close');
    trace('no autoselect', net.connect({ port, host: 'dual.test', lookup: dual, autoSelectFamily: false }), port);
    await waitFor('no autoselect close');
    server.close(done);
  }));
});

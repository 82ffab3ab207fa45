'use strict';
// A name that cannot resolve (.invalid is reserved): 'lookup' carries the error, then 'error'
// ENOTFOUND (errno -3008, syscall getaddrinfo, hostname) and close(true); no connection attempt.
// Once with the default family selection (lookup of all addresses) and once with family: 4.
const { net, log, waitFor, done } = require('./_lib');

function trace(name, c) {
  let lookupError;
  c.on('lookup', (err, address, family, host) => {
    lookupError = err;
    log(name, 'lookup', err && err.code, address, family, host, c.connecting);
  });
  c.on('connectionAttempt', () => log(name, 'connectionAttempt (unexpected)'));
  c.on('connect', () => log(name, 'connect (unexpected)'));
  c.on('error', e => {
    log(name, 'error', e.code, e.errno, e.syscall, e.hostname, e.address, e.port, e.message);
    log(name, 'error state', e === lookupError, c.connecting, c.destroyed, c.readyState);
  });
  c.on('close', hadError => log(name, 'close', hadError, c.readyState));
}

(async () => {
  trace('all', net.connect(80, 'nosuch.invalid'));
  await waitFor('all close');
  trace('v4', net.connect({ port: 80, host: 'nosuch.invalid', family: 4 }));
  await waitFor('v4 close');
  done();
})();

'use strict';
// connect() argument errors are thrown synchronously: class, code and Node's message (the port
// message differs from listen's "options.port should be ..."). The socket a throwing
// new Socket().connect() leaves behind is not destroyed.
const { net, log, kind, done } = require('./_lib');

function attempt(name, fn) {
  try {
    const s = fn();
    log(name, 'no throw', s.connecting);
    s.destroy();
  } catch (e) {
    log(name, kind(e), e.code, e.message);
  }
}

attempt('port -1', () => net.connect(-1));
attempt('port 65536', () => net.connect(65536, '127.0.0.1'));
attempt('options port -1', () => net.connect({ port: -1, host: '127.0.0.1' }));
attempt('options port 65536', () => net.createConnection({ port: 65536 }));
attempt('empty options', () => net.connect({}));
attempt('socket empty options', () => new net.Socket().connect({}));
attempt('bad localAddress', () => net.connect({ port: 80, host: '127.0.0.1', localAddress: 'nope' }));
attempt('autoSelectFamilyAttemptTimeout 0', () =>
  net.connect({ port: 80, host: 'localhost', autoSelectFamilyAttemptTimeout: 0 }));
attempt('host with NUL', () => net.connect(80, 'a\u0000b'));
const s = new net.Socket();
attempt('socket port 70000', () => s.connect(70000, '127.0.0.1'));
// Node leaves such a socket 'connecting' forever (it sets the flag before validating); NetServer
// leaves it as it was. docs/compatibility.md lists the difference; only what both agree on is compared.
log('socket after throw', s.destroyed);
done();

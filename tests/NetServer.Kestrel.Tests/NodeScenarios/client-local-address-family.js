'use strict';
// localAddress/localPort bind the client's end (the server sees that port); family: 4 resolves
// 'localhost' through a single lookup; '::1' connects over IPv6 to a server on ::1; family: 6 for
// 'localhost' fails here (this machine's localhost has no AAAA record): lookup error, ENOTFOUND.
const { net, log, waitFor, done } = require('./_lib');
let lastRemotePort;
const server = net.createServer(sock => {
  lastRemotePort = sock.remotePort;
  sock.end();
});
const server6 = net.createServer(sock => sock.end(sock.remoteAddress + ' ' + sock.remoteFamily));

function trace(name, c, extra = () => []) {
  c.on('lookup', (err, address, family, host) => log(name, 'lookup', err && err.code, address, family, host));
  c.on('connectionAttempt', (ip, port, family) => log(name, 'connectionAttempt', ip, family));
  c.on('connect', () => log(name, 'connect', c.localAddress, c.localFamily, c.remoteAddress, c.remoteFamily, ...extra()));
  c.on('data', d => log(name, 'data', d.toString()));
  c.on('error', e => log(name, 'error', e.code, e.syscall, e.hostname, e.message));
  c.on('close', hadError => log(name, 'close', hadError));
  c.resume();
}

const probe = net.createServer();
probe.listen(0, '127.0.0.1', () => {
  const freePort = probe.address().port;
  probe.close(() => server.listen(0, '127.0.0.1', async () => {
    const port = server.address().port;
    const a = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.1', localPort: freePort });
    trace('bound', a, () => [a.localPort === freePort]);
    await waitFor('bound close');
    log('bound', 'server saw the bound port', lastRemotePort === freePort);

    const b = net.connect({ port, localAddress: '127.0.0.1' });
    trace('address-only', b, () => [b.localPort > 0]);
    await waitFor('address-only close');

    trace('family4', net.connect({ port, host: 'localhost', family: 4 }));
    await waitFor('family4 close');

    trace('family6', net.connect({ port, host: 'localhost', family: 6 }));
    await waitFor('family6 close');

    server6.listen(0, '::1', async () => {
      trace('v6', net.connect({ port: server6.address().port, host: '::1', family: 6 }));
      await waitFor('v6 close');
      server6.close(() => server.close(done));
    });
  }));
});

'use strict';
// A socket is reusable after it closed: a refused connect (error, close(true)), then connect()
// again on the same Socket from its 'close' listener: no longer destroyed, 'opening', connects,
// reads the server's greeting and closes cleanly.
const { net, log, done } = require('./_lib');
const server = net.createServer(sock => sock.end('srv'));
const probe = net.createServer();
probe.listen(0, '127.0.0.1', () => {
  const closedPort = probe.address().port;
  probe.close(() => server.listen(0, '127.0.0.1', () => {
    const port = server.address().port;
    const c = new net.Socket();
    let attempts = 0;
    c.on('connectionAttempt', (ip, p) => log('connectionAttempt', p === closedPort ? 'closed port' : p === port ? 'server port' : p));
    c.on('error', e => log('error', e.code));
    c.on('connect', () => log('connect', c.readyState, c.destroyed));
    c.on('data', d => log('data', d.toString()));
    c.on('end', () => log('end'));
    c.on('close', hadError => {
      log('close', hadError, c.destroyed, c.readyState, c.bytesRead);
      if (++attempts === 1) {
        c.connect(port, '127.0.0.1', () => log('connect callback'));
        log('after reconnect()', c.connecting, c.destroyed, c.readyState, c.pending);
      } else {
        server.close(done);
      }
    });
    c.connect(closedPort, '127.0.0.1');
  }));
});

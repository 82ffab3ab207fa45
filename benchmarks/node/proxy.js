// Node `net` TCP proxy for the benchmarks: `node proxy.js <upstreamPort|upstreamPath>`.
// Listens on 127.0.0.1 with an ephemeral port and prints "READY tcp=<port> unix=-". It is
// samples/TcpProxy in Node, with the same semantics, so the two do the same work: half-close travels
// both ways (allowHalfOpen), Nagle is off on both legs, an error on one side resets the other, and a
// side that closes lets the other flush what it holds, then close.
'use strict';
const net = require('net');

const up = process.argv[2];
const target = /^\d+$/.test(up) ? { port: +up, host: '127.0.0.1' } : { path: up };
// A reset travels on as a reset (Unix sockets have none: they are closed).
const abort = (s, tcp) => { if (!s.destroyed) { if (tcp) s.resetAndDestroy(); else s.destroy(); } };

const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (c) => {
  const u = net.connect({ ...target, allowHalfOpen: true, noDelay: true });
  c.pipe(u).pipe(c);
  c.on('error', () => abort(u, !target.path));
  u.on('error', () => abort(c, true));
  c.on('close', () => u.destroySoon());
  u.on('close', () => c.destroySoon());
});
server.listen(0, '127.0.0.1', () => console.log(`READY tcp=${server.address().port} unix=-`));
process.on('SIGTERM', () => process.exit(0));

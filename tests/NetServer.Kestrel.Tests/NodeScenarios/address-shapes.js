'use strict';
// address(): null before listen; { address, family, port } for TCP (null again after close);
// the path string for a pipe, still returned after close.
const { net, log, tmpPath, done } = require('./_lib');
function show(label, a, port, path) {
  if (a === null || typeof a === 'string') {
    log(label, a === null ? 'null' : `path==p:${a === path}`);
  } else {
    log(label, a.address, a.family, `port==listenPort:${a.port === port}`, a.port > 0);
  }
}
(async () => {
  for (const host of ['127.0.0.1', '::1']) {
    const s = net.createServer();
    show(`${host} before`, s.address());
    await new Promise(r => s.listen(0, host, r));
    const port = s.address().port;
    show(`${host} listening`, s.address(), port);
    const closed = new Promise(r => s.close(r));
    show(`${host} after close`, s.address(), port);
    await closed;
    show(`${host} closed`, s.address(), port);
  }
  const p = tmpPath('addr.sock');
  const s = net.createServer();
  show('pipe before', s.address(), 0, p);
  await new Promise(r => s.listen(p, r));
  show('pipe listening', s.address(), 0, p);
  await new Promise(r => s.close(r));
  show('pipe closed', s.address(), 0, p);
  done();
})();

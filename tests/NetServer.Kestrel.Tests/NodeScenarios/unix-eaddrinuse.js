'use strict';
// listen(path) on an existing file: async EADDRINUSE (errno -98, syscall listen, port -1); the file is
// not unlinked; address() still returns the path.
const { net, fs, log, tmpPath, done } = require('./_lib');
const p = tmpPath('busy.sock');
fs.writeFileSync(p, 'keep me');
const server = net.createServer();
server.on('listening', () => log('listening (unexpected)'));
server.on('error', e => {
  log('error', e.code, e.errno, e.syscall, `address==p:${e.address === p}`, e.port);
  log('message', e.message.replace(p, '<path>'));
  log('state', server.listening, `address==p:${server.address() === p}`);
  log('file', fs.statSync(p).isFile(), fs.readFileSync(p, 'utf8'));
  server.close(err => {
    log('close callback', err && err.code);
    done();
  });
});
server.listen(p);
log('after listen', server.listening);

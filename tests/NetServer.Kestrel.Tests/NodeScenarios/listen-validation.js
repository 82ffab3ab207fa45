'use strict';
// Synchronous listen() throws: class, code and message; the callback is attached before validation.
const { net, log, kind, done } = require('./_lib');
const server = net.createServer();
function attempt(label, fn) {
  try {
    fn();
    log(label, 'no throw');
  } catch (e) {
    log(label, kind(e), e.code, e.message);
  }
}
attempt('port -1', () => server.listen(-1, () => log('never')));
log('listening listeners', server.listenerCount('listening'));
server.removeAllListeners('listening');
attempt('port 65536', () => server.listen(65536));
attempt('options {}', () => server.listen({}));
attempt('listen 0', () => server.listen(0));
attempt('listen again', () => server.listen(0));
log('listening', server.listening);
server.close(() => done());

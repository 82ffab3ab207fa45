'use strict';
// pauseOnConnect: even with a 'data' listener nothing is read until resume().
const { net, log, connect, waitFor, done } = require('./_lib');
let current;
const server = net.createServer({ pauseOnConnect: true }, sock => {
  current = sock;
  log('connection', sock.isPaused(), sock.readableFlowing);
  sock.on('data', d => log('data', d.toString(), sock.bytesRead));
  sock.on('end', () => log('end'));
  sock.on('close', hadError => {
    log('close', hadError);
    server.close(done);
  });
  log('with listener', sock.isPaused(), sock.readableFlowing);
});
server.listen(0, '127.0.0.1', async () => {
  const c = connect(server.address().port);
  await waitFor('with listener');
  c.end('hello');
  await new Promise(r => c.once('finish', r));
  // A quiet period: nothing may be read while paused.
  setTimeout(() => {
    log('quiet', current.bytesRead, current.isPaused());
    current.resume();
    log('resumed', current.isPaused(), current.readableFlowing);
  }, 100);
});

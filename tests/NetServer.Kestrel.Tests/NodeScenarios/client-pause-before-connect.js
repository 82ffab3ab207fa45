'use strict';
// pause() before connect(): a paused client does not read at all (bytesRead and readableLength
// stay 0, no 'data', no 'end') even once the server has sent its data and FIN ('finish' on the
// server); resume() starts reading: the data, 'end', close(false).
const { net, log, waitFor, done } = require('./_lib');
const server = net.createServer(sock => {
  // Sent only once the client logged 'connect', so the two lines cannot swap.
  waitFor('connect').then(() => sock.end('early data', () => log('server finished')));
});
server.listen(0, '127.0.0.1', async () => {
  const c = new net.Socket();
  c.pause();
  log('paused before connect', c.isPaused(), c.readableFlowing);
  c.connect(server.address().port, '127.0.0.1');
  c.on('connect', () => log('connect', c.isPaused()));
  c.on('data', d => log('data', d.toString(), c.isPaused()));
  c.on('end', () => log('end'));
  c.on('close', hadError => {
    log('close', hadError);
    server.close(done);
  });
  await waitFor('server finished');
  log('before resume', c.readableLength, c.bytesRead);
  c.resume();
  log('resumed', c.isPaused(), c.readableFlowing);
});

'use strict';
// 'listening' is always asynchronous. Without a host the bind is synchronous (listening and address()
// are set when listen() returns); with a host, even an IP literal, both wait for the async lookup.
// Listener order: before listen(), the listen callback, after listen().
const { net, log, done } = require('./_lib');
(async () => {
  const a = net.createServer();
  a.on('listening', () => log('A listening event 1', a.listening));
  a.listen(0, () => log('A listen callback'));
  a.on('listening', () => log('A listening event 2'));
  const addr = a.address();
  log('A after listen', a.listening, addr && addr.address, addr && addr.family, addr && addr.port > 0);
  await new Promise(r => a.once('listening', r));
  await new Promise(r => a.close(r));

  const b = net.createServer();
  b.listen(0, '127.0.0.1', () => log('B listen callback', b.listening, b.address().family));
  log('B after listen', b.listening, b.address());
  await new Promise(r => b.once('listening', r));
  await new Promise(r => b.close(r));
  done();
})();

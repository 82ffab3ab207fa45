'use strict';
// One 1 MiB write while connecting: write() returns false (above the 64 KiB high-water mark),
// writableNeedDrain is true, writableLength counts it all; after 'connect' it goes out, 'drain'
// follows once, then end(): the server received every byte (counted when its 'end' arrives).
const { net, log, done } = require('./_lib');
const size = 1024 * 1024;
let received = 0;
const server = net.createServer(sock => {
  sock.on('data', d => { received += d.length; });
  sock.on('end', () => log('server received', received));
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  // Listening first: whether the kernel takes the whole MiB at once or not, 'connect' comes first.
  c.on('connect', () => log('connect'));
  const r = c.write(Buffer.alloc(size, 7));
  log('write returned', r, c.writableNeedDrain, c.writableLength, c.writableHighWaterMark, c.bytesWritten);
  c.on('drain', () => {
    log('drain', c.writableLength, c.writableNeedDrain, c.bytesWritten);
    c.end();
  });
  c.on('end', () => log('end'));
  c.on('close', hadError => {
    log('close', hadError, c.bytesWritten);
    server.close(done);
  });
});

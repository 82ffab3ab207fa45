// Node `net` echo server for the benchmarks: `node echo.js [unixPath]`.
// Listens on 127.0.0.1 with an ephemeral port (and on unixPath when given), prints
// "READY tcp=<port> unix=<path|->" once both listen. Echo is `s.pipe(s)`, Node's idiom.
'use strict';
const net = require('net');
const fs = require('fs');

const unixPath = process.argv[2];
const onConnection = (s) => {
  s.on('error', () => {}); // peers reset on teardown; not a benchmark event
  s.pipe(s);
};

const tcp = net.createServer(onConnection);
tcp.listen(0, '127.0.0.1', () => {
  if (!unixPath) {
    console.log(`READY tcp=${tcp.address().port} unix=-`);
    return;
  }
  try { fs.unlinkSync(unixPath); } catch { /* not there */ }
  const ipc = net.createServer(onConnection);
  ipc.listen(unixPath, () => console.log(`READY tcp=${tcp.address().port} unix=${unixPath}`));
});
process.on('SIGTERM', () => process.exit(0));

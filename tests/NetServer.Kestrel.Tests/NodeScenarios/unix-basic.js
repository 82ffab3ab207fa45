'use strict';
// Unix socket server: address() is the path, the file is a socket, accepted sockets have no address
// information, the file is removed on close.
const { net, fs, log, connect, done } = require('./_lib');
const p = require('./_lib').tmpPath('basic.sock');
const server = net.createServer(sock => {
  log('connection', sock.remoteAddress, sock.remotePort, sock.remoteFamily, sock.localAddress, sock.localPort);
  sock.on('data', d => log('data', d.toString()));
  sock.on('end', () => log('end'));
  sock.on('close', hadError => {
    log('close', hadError, sock.bytesRead);
    server.close(() => {
      log('closed', `address==p:${server.address() === p}`, 'file exists', fs.existsSync(p));
      done();
    });
  });
  sock.end('hi');
});
server.listen(p, () => {
  log('listening', `address==p:${server.address() === p}`, fs.existsSync(p));
  const c = connect(p);
  c.end('over unix');
});

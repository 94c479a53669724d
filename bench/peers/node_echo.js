// Node.js echo server of the echo workload.
//
// Usage: node node_echo.js PORT
'use strict';

const net = require('net');

const port = Number(process.argv[2]);
net.createServer({ noDelay: true }, (socket) => {
  socket.setNoDelay(true);
  socket.on('data', (d) => socket.write(d));
  socket.on('error', () => socket.destroy());
}).listen(port, '127.0.0.1');

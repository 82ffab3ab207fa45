'use strict';
// Shared helpers for the Node-differential scenarios. Each scenario prints one event per line;
// the C# twin (tests/NetServer.Kestrel.Tests/NodeDifferential) must print the same lines.
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');

const lines = [];
const waiters = [];

/** Prints one trace line: the arguments joined by spaces (String() of each, so undefined shows). */
function log(...parts) {
  const line = parts.map(String).join(' ');
  lines.push(line);
  console.log(line);
  for (let i = waiters.length - 1; i >= 0; i--) {
    if (line.startsWith(waiters[i].prefix)) {
      waiters[i].resolve();
      waiters.splice(i, 1);
    }
  }
}

/** Resolves once a line starting with prefix has been logged (already, or later). */
function waitFor(prefix) {
  if (lines.some(l => l.startsWith(prefix))) return Promise.resolve();
  return new Promise(resolve => waiters.push({ prefix, resolve }));
}

/** Resolves with the first event's arguments as an array. */
function next(emitter, event) {
  return new Promise(resolve => emitter.once(event, (...args) => resolve(args)));
}

/** A client that collects what it receives; .received resolves at EOF. */
function connect(target, host = '127.0.0.1') {
  const c = typeof target === 'string' ? net.connect(target) : net.connect(target, host);
  const chunks = [];
  c.on('data', d => chunks.push(d));
  c.on('error', () => {});
  c.received = new Promise(resolve => c.on('close', () => resolve(Buffer.concat(chunks).toString())));
  c.connected = next(c, 'connect');
  return c;
}

/** The class Node would print: RangeError / TypeError / Error. */
function kind(e) {
  return e instanceof RangeError ? 'RangeError' : e instanceof TypeError ? 'TypeError' : 'Error';
}

/** A fresh socket path in a private temp dir. */
function tmpPath(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsdiff-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, name);
}

function done() {
  log('done');
  process.exit(0);
}

setTimeout(() => { console.log('TIMEOUT'); process.exit(2); }, 10000).unref();
process.on('unhandledRejection', e => { console.log('UNHANDLED ' + (e && e.stack)); process.exit(3); });

module.exports = { net, fs, log, waitFor, next, connect, kind, tmpPath, done };

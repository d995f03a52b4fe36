// Preloaded into the CLI (and, through execArgv, into its worker threads) by the hostile suite: every way out
// to the network throws and is logged, and the process's peak RSS is written at exit. A scanner that reads
// hostile files must never open a connection, so one attempt anywhere is a failure.
'use strict';
const fs = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const log = process.env.PHI_SCAN_GUARD_LOG;
function refuse(what) {
  return function refused() {
    if (log) fs.appendFileSync(log, `network:${what}\n`);
    throw new Error(`network access refused by the test guard (${what})`);
  };
}

const net = require('node:net');
for (const name of ['connect', 'createConnection', 'createServer']) net[name] = refuse(`net.${name}`);
net.Socket.prototype.connect = refuse('net.Socket.connect');
const tls = require('node:tls');
tls.connect = refuse('tls.connect');
const dns = require('node:dns');
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse']) dns[name] = refuse(`dns.${name}`);
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse']) dns.promises[name] = refuse(`dns.promises.${name}`);
for (const mod of ['node:http', 'node:https']) {
  const m = require(mod);
  m.request = refuse(`${mod}.request`);
  m.get = refuse(`${mod}.get`);
}
const dgram = require('node:dgram');
dgram.createSocket = refuse('dgram.createSocket');
globalThis.fetch = refuse('fetch');
if (globalThis.WebSocket) globalThis.WebSocket = refuse('WebSocket');

if (isMainThread && log) {
  process.on('exit', () => fs.appendFileSync(log, `maxrss:${process.resourceUsage().maxRSS}\n`));
}

// Faults on demand, in worker threads only and only when asked: opening a file whose name ends in one of these
// makes the worker crash, run out of heap, hang or take 0.7 s, the way a parser bug would, whatever the extractors are.
if (!isMainThread && process.env.PHI_SCAN_GUARD_FAULTS === '1') {
  const fault = (file) => {
    const name = String(file);
    if (name.endsWith('.fault-crash')) process.exit(70);
    if (name.endsWith('.fault-oom')) {
      const hoard = [];
      for (;;) hoard.push(`${hoard.length}`.padEnd(8 << 20, '.'));
    }
    if (name.endsWith('.fault-hang')) for (;;);
    if (name.endsWith('.fault-slow')) {
      const until = Date.now() + 700;
      while (Date.now() < until);
    }
  };
  const openSync = fs.openSync;
  fs.openSync = function faultyOpenSync(file, ...rest) {
    fault(file);
    return openSync.call(this, file, ...rest);
  };
  const open = fs.promises.open;
  fs.promises.open = async function faultyOpen(file, ...rest) {
    fault(file);
    return open.call(this, file, ...rest);
  };
}

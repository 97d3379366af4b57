// Loaded into electron-builder's Node processes by the packaging test (NODE_OPTIONS=--import):
// any host name lookup or TCP connection to another computer is refused and written to $DAQ_NETWORK_LOG, so that a
// download electron-builder attempts fails the test instead of passing where a network exists.
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const LOCAL = new Set(['localhost', '127.0.0.1', '::1', '']);
const log = process.env.DAQ_NETWORK_LOG;
const connect = net.Socket.prototype.connect;

function refuse(where) {
  if (log) appendFileSync(log, `${process.pid} ${process.argv.slice(1).join(' ')} -> ${where}\n`);
  return new Error(`The packaging test allows no network access (tried ${where})`);
}

// A host name is looked up before any connection (and fails offline before reaching connect).
const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  if (!LOCAL.has(String(hostname))) {
    const callback = rest.find((arg) => typeof arg === 'function');
    const error = refuse(String(hostname));
    if (callback) process.nextTick(callback, error);
    return undefined;
  }
  return lookup.call(this, hostname, ...rest);
};

net.Socket.prototype.connect = function guardedConnect(...args) {
  // Node's own callers pass [options, callback] as one normalized array; others pass options or (port, host).
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : 'localhost' };
  // A pipe or Unix socket (path) is local.
  if (options.path == null && !LOCAL.has(String(options.host ?? 'localhost'))) {
    throw refuse(`${options.host}:${options.port}`);
  }
  return connect.apply(this, args);
};

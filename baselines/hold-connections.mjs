#!/usr/bin/env node
// Opens N keep-alive connections to a gateway, sends GET /healthz on each and keeps them all
// open until every one was answered 200 (or the time is up), then closes them. Exit 0 only
// when all N were served while all were held at once. Baselines' ci.sh use it to show that
// several processes on one port hold more connections than one process can: run the gateway
// under `prlimit --nofile=LIMIT` with LIMIT < N and enough processes for N.
//
//   node baselines/hold-connections.mjs URL CONNECTIONS [SECONDS=30] [CONNECT_PER_SECOND=2000] [LINGER_SECONDS=0]
//
// LINGER_SECONDS keeps every connection open that long after all were served (e.g. to read
// the gateway's RSS while it holds them).
//
// Plain node:net on purpose: one socket and no pool per connection, so the client itself
// stays small (it needs CONNECTIONS open files; it must not run under the gateway's limit).
import net from 'node:net';

const [url, nArg, secondsArg = '30', rateArg = '2000', lingerArg = '0'] = process.argv.slice(2);
const n = Number(nArg);
const seconds = Number(secondsArg);
const rate = Number(rateArg);
const linger = Number(lingerArg);
if (!url || !Number.isInteger(n) || n < 1 || !(seconds > 0) || !(rate > 0) || !(linger >= 0)) {
  console.error('usage: hold-connections.mjs URL CONNECTIONS [SECONDS=30] [CONNECT_PER_SECOND=2000] [LINGER_SECONDS=0]');
  process.exit(2);
}
const { hostname, port } = new URL(url);
if (!/^127\.|^localhost$|^\[?::1\]?$/.test(hostname)) {
  console.error(`hold-connections: ${hostname} is not loopback; this check only runs on loopback`);
  process.exit(2);
}
const request = `GET /healthz HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`;
const sockets = [];
let served = 0;
let failed = 0;
const errors = new Map();
const started = Date.now();

function open() {
  const s = net.connect({ host: hostname, port: Number(port) });
  sockets.push(s);
  let head = '';
  let done = false;
  const finish = (ok, why) => {
    if (done) return;
    done = true;
    if (ok) served++;
    else {
      failed++;
      errors.set(why, (errors.get(why) ?? 0) + 1);
    }
  };
  s.setNoDelay(true);
  s.on('connect', () => s.write(request));
  s.on('data', (chunk) => {
    head += chunk.toString('latin1');
    if (head.includes('\r\n')) finish(head.startsWith('HTTP/1.1 200'), `status ${head.split('\r\n')[0]}`);
  });
  s.on('error', (e) => finish(false, e.code ?? e.message));
  s.on('close', () => finish(false, 'closed before an answer'));
}

// Paced opening: a connect burst of thousands overflows accept queues and measures SYN
// retries, not the gateway's capacity to hold connections.
const perTick = Math.max(1, Math.round(rate / 100));
let opened = 0;
const pacer = setInterval(() => {
  for (let i = 0; i < perTick && opened < n; i++, opened++) open();
  if (opened >= n) clearInterval(pacer);
}, 10);

const deadline = setTimeout(report, seconds * 1000);
const poll = setInterval(() => {
  if (served + failed < n) return;
  clearInterval(poll);
  clearTimeout(deadline);
  if (linger > 0 && served === n) console.log(`hold-connections: all ${n} served; holding them ${linger} s`);
  setTimeout(report, linger * 1000);
}, 50);

function report() {
  clearTimeout(deadline);
  clearInterval(poll);
  clearInterval(pacer);
  const open = sockets.filter((s) => !s.destroyed).length;
  const unanswered = n - served - failed;
  const why = [...errors].map(([k, v]) => `${v} x ${k}`).join(', ');
  console.log(`hold-connections: ${served}/${n} served with all held open (${open} open at the end), ${failed} failed${why ? ` (${why})` : ''}, ${unanswered} unanswered after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const s of sockets) s.destroy();
  process.exit(served === n && open === n ? 0 : 1);
}

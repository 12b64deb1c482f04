import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { ConnectionPool } from '../../loadgen/connection-pool.js';
import { Conn, type ConnOwner } from '../../loadgen/connection.js';

/**
 * The connect timeout is the pool's deadline queue, not a timer per socket (a socket keeps
 * its Timeout object for life once setTimeout was called: ~190 B per held connection), and
 * a close-delimited body is completed at close (no 'end' listener per socket).
 */

/** A listener whose process never accepts: once its backlog is full, the kernel drops further SYNs and connects hang. */
async function stuckListener(): Promise<{ port: number; kill: () => void }> {
  const src = `const s = require('node:net').createServer();
s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  console.log(s.address().port);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // block the loop: nothing is ever accepted
});`;
  const child = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (l) => resolve(Number(l)));
    child.once('exit', (code) => reject(new Error(`stuck listener exited (${code})`)));
  });
  return { port, kill: () => { child.kill('SIGKILL'); } };
}

test('a connect that never completes fails with ETIMEDOUT at the pool deadline, and the ramp still ends', async () => {
  const stuck = await stuckListener();
  const pool = new ConnectionPool(300);
  try {
    const t0 = performance.now();
    const bound = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the ramp did not end within 5 s: connects were not timed out')), 5000).unref());
    const summary = await Promise.race([pool.resize('127.0.0.1', stuck.port, 8, 1000, []), bound]);
    const ms = performance.now() - t0;
    assert.equal(summary.requested, 8);
    assert.equal(summary.established + summary.failed, 8, JSON.stringify(summary));
    assert.ok((summary.failedByErrno.ETIMEDOUT ?? 0) >= 4, `most connects time out once the backlog is full: ${JSON.stringify(summary)}`);
    assert.deepEqual(Object.keys(summary.failedByErrno), ['ETIMEDOUT']);
    assert.ok(ms >= 300, `nothing times out before its deadline (${ms.toFixed(0)} ms)`);
  } finally {
    pool.closeAll();
    stuck.kill();
  }
});

/** A Conn with an owner that records what it hears. */
function recordingConn(): { conn: Conn; heard: string[]; opened: Promise<void>; closed: Promise<void> } {
  const heard: string[] = [];
  let onOpen!: () => void;
  let onClose!: () => void;
  const opened = new Promise<void>((r) => { onOpen = r; });
  const closed = new Promise<void>((r) => { onClose = r; });
  const owner: ConnOwner = {
    onOpen: () => { heard.push('open'); onOpen(); },
    onConnectError: (_c, errno) => { heard.push(`connect-error ${errno}`); onOpen(); onClose(); },
    onResponse: (_c, status, keepAlive) => { heard.push(`response ${status} keepAlive=${keepAlive}`); },
    onClosed: (_c, cut, errno) => { heard.push(`closed cut=${cut} ${errno}`); onClose(); },
  };
  return { conn: new Conn(owner, undefined), heard, opened, closed };
}

async function rawServer(answer: (s: Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((s) => { s.on('error', () => {}); s.once('data', () => answer(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('a body delimited by the close is a complete response; a FIN inside a content-length body is a cut', async () => {
  for (const [answer, expected] of [
    ['HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nhello, until close', ['open', 'response 200 keepAlive=false', 'closed cut=false EOF']],
    ['HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part', ['open', 'closed cut=true ECONNRESET']],
  ] as const) {
    const server = await rawServer((s) => s.end(answer));
    const { conn, heard, opened, closed } = recordingConn();
    try {
      conn.connect('127.0.0.1', server.port, 1000);
      await opened;
      conn.send('GET / HTTP/1.1\r\nhost: x\r\n\r\n', null, false, 'latin1');
      await closed;
      assert.deepEqual(heard, expected, answer);
    } finally {
      conn.destroy();
      await server.close();
    }
  }
});

test('an open connection carries no socket timer (the connect deadline lives in the pool)', async () => {
  const server = await rawServer(() => {});
  const { conn, opened } = recordingConn();
  try {
    conn.connect('127.0.0.1', server.port, 1000);
    await opened;
    const sock = conn.socket!;
    const timer = Object.getOwnPropertySymbols(sock).find((s) => s.description === 'timeout');
    assert.ok(timer !== undefined, 'net.Socket still keeps its timer under a symbol described "timeout"');
    assert.equal((sock as unknown as Record<symbol, unknown>)[timer], null, 'no Timeout object is attached to the socket');
    assert.equal(sock.listenerCount('end'), 1, "only Node's own 'end' listener");
  } finally {
    conn.destroy();
    await server.close();
  }
});

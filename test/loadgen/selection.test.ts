import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { LoadGenerator } from '../../loadgen/index.js';
import { createIdleSet } from '../../loadgen/selection.js';
import { testPlan } from './helpers.js';

/**
 * Connection selection decides which held connections carry traffic. The live tests count
 * distinct client sockets at a raw loopback server (each socket is one connection), so the
 * generator's own `active` count is checked against what the server saw.
 */

describe('idle sets hand out connections by their policy', () => {
  test('round-robin is first in, first out, across ring-buffer growth and wrap-around', () => {
    const s = createIdleSet<number>('round-robin');
    for (let i = 0; i < 40; i++) s.push(i);
    for (let i = 0; i < 25; i++) assert.equal(s.take(), i);
    for (let i = 40; i < 100; i++) s.push(i);
    const out: number[] = [];
    for (let x = s.take(); x !== undefined; x = s.take()) out.push(x);
    assert.deepEqual(out, Array.from({ length: 75 }, (_, i) => i + 25));
    assert.equal(s.size, 0);
  });

  test('lifo hands out the most recently freed first', () => {
    const s = createIdleSet<number>('lifo');
    [1, 2, 3].forEach((x) => s.push(x));
    assert.deepEqual([s.take(), s.take(), s.take(), s.take()], [3, 2, 1, undefined]);
  });

  test('random draws each member about equally often and repeats for a seed', () => {
    const draw = (seed: number): number[] => {
      const s = createIdleSet<number>('random', seed);
      const counts = new Array<number>(10).fill(0);
      for (let i = 0; i < 10; i++) s.push(i);
      for (let k = 0; k < 20_000; k++) { const x = s.take()!; counts[x]!++; s.push(x); }
      return counts;
    };
    const counts = draw(7);
    for (const c of counts) assert.ok(c > 1700 && c < 2300, `each of 10 drawn ~2000 times, got ${counts.join(',')}`);
    assert.deepEqual(draw(7), counts, 'same seed, same draws');
    const s = createIdleSet<number>('random', 1);
    [1, 2, 3].forEach((x) => s.push(x));
    assert.deepEqual([s.take(), s.take(), s.take()].sort(), [1, 2, 3], 'every member comes out once');
    assert.equal(s.take(), undefined);
  });
});

describe('selection over loopback: distinct sockets that carried a request', () => {
  let gen: LoadGenerator;
  let server: Server;
  let port = 0;
  /** requests per client socket (keyed by remote port) since the last reset */
  let perSocket = new Map<number, number>();
  const sockets = new Set<Socket>();

  before(async () => {
    // A minimal HTTP/1.1 responder: one fixed response per request head, keep-alive.
    server = createServer((sock) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      let buf = '';
      sock.on('data', (d) => {
        buf += d.toString('latin1');
        let i: number;
        while ((i = buf.indexOf('\r\n\r\n')) >= 0) {
          buf = buf.slice(i + 4);
          perSocket.set(sock.remotePort!, (perSocket.get(sock.remotePort!) ?? 0) + 1);
          sock.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
        }
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    gen = await LoadGenerator.start({ workers: 2 });
  });
  after(async () => {
    await gen?.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const N = 60;
  const run = async (selection: 'round-robin' | 'random' | 'lifo', rate: number, durationMs: number) => {
    perSocket = new Map();
    // warm-up 0: every request is intended inside the window, so the server's count is the window's
    const m = await gen.runStage(testPlan(port, { connections: N, rate, durationMs, warmupMs: 0, connectionSelection: selection, arrival: 'constant' }));
    return { m, distinct: perSocket.size };
  };

  test('round-robin: every held connection carries a request once rate x window >= connections', async () => {
    const { m, distinct } = await run('round-robin', 100, 700); // 70 requests over 60 connections
    assert.equal(m.connectionCounts.established, N);
    assert.equal(distinct, N, 'the server saw a request on every connection');
    assert.equal(m.connectionCounts.active, N);
    assert.equal(m.connectionCounts.selection, 'round-robin');
    assert.ok(m.generator.rssBytes! > 10e6 && Number.isFinite(m.generator.rssPerConnectionBytes), `generator RSS ${m.generator.rssBytes}, per connection ${m.generator.rssPerConnectionBytes}`);
  });

  test('lifo: a fast server keeps the same few connections busy, the rest idle', async () => {
    const { m, distinct } = await run('lifo', 100, 700);
    assert.ok(distinct <= N / 4, `lifo spread requests over ${distinct} of ${N} connections`);
    assert.equal(m.connectionCounts.active, distinct, 'the generator counts what the server saw');
    assert.equal(m.connectionCounts.selection, 'lifo');
  });

  test('random: many connections but, drawing with replacement, not all of them', async () => {
    const { m, distinct } = await run('random', 100, 600); // 60 draws over 60 idle connections: ~63% expected
    assert.ok(distinct > N / 4 && distinct < N, `random covered ${distinct} of ${N}`);
    assert.equal(m.connectionCounts.active, distinct);
    assert.equal(m.connectionCounts.selection, 'random');
  });

  test('an unknown policy is refused before any worker gets the plan, naming the field', async () => {
    await assert.rejects(
      gen.runStage(testPlan(port, { connectionSelection: 'fifo' as never })),
      (e: Error & { details?: string[] }) => e.message.includes('invalid load plan') && (e.details ?? []).some((d) => d.startsWith('connectionSelection: "fifo"')),
    );
  });
});

test('a scenario with an unknown connectionSelection: exit 2, one line naming the field and value', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gwb-sel-')), 'bad.yaml');
  writeFileSync(file, 'version: 1\nname: t\nrequests: [{ path: /x }]\nload:\n  connectionSelection: newest\n  stages: [{ connections: 10, rate: 10/s }]\n');
  for (const cmd of ['validate', 'run']) {
    const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'gw-bench.js'), cmd, file], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, `${cmd}: ${r.stderr}`);
    assert.match(r.stderr, /load\.connectionSelection \(line 5\): "newest" is not one of/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
  }
});

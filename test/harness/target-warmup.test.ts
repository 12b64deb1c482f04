import { after, before, test } from 'node:test';
import { plainServer } from '../support/plain-server.js';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../core/result.js';
import { formatProblems, parseScenario } from '../../core/scenario/load.js';
import { gwBench, plainScenario } from '../own-gateway/helpers.js';

/**
 * target.warmup over loopback: a server that counts every request it answers (with the
 * time it arrived) shows the warm-up's requests reached it before the first stage opened,
 * and the stage holds only its own requests (100/s for 1 s, against 300/s for 2 s of
 * warm-up: a leak would multiply the stage's count). Bad values name the field and value.
 */

let dir: string;
let closeServer: () => Promise<void>;
let url: string;
const arrivals: number[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gwb-warmup-'));
  ({ url, close: closeServer } = await plainServer(() => { arrivals.push(Date.now()); }));
});
after(async () => {
  await closeServer();
  await rm(dir, { recursive: true, force: true });
});

test('target.warmup reaches the target before the first stage and is counted in no stage', { timeout: 90_000 }, async () => {
  await writeFile(join(dir, 'warm.yaml'), plainScenario({ target: `  url: ${url}\n  warmup: { duration: 2s, rate: 300/s }`, requests: '  - { path: /, auth: none, expect: { status: [200] } }' }));
  const r = await gwBench(dir, ['run', 'warm.yaml', '--json', '--no-report', '--allow-invalid'], 80_000);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const result = JSON.parse(r.stdout) as RunResult;
  const w = result.warmup!;
  assert.ok(w, 'result.json records the warm-up');
  assert.equal(w.durationMs, 2000);
  assert.equal(w.rps, 300);
  assert.equal(w.connections, 5);
  assert.ok(w.requests >= 540 && w.requests <= 660, `warm-up requests ${w.requests} (300/s x 2 s)`);
  assert.equal(w.errors, 0);
  const st = result.stages[0]!;
  // The stage: 100/s for 1 s. With the warm-up leaked in it would hold ~700.
  assert.ok(st.requests >= 80 && st.requests <= 120, `stage requests ${st.requests}`);
  assert.ok(st.latencyMs.count <= 120, `stage histogram count ${st.latencyMs.count}`);
  // The server saw the warm-up's requests, and all of them before the stage's window opened.
  const windowStart = Date.parse(st.startedAt);
  const before = arrivals.filter((t) => t < windowStart).length;
  assert.ok(before >= w.requests, `${before} requests reached the server before the stage's window, warm-up sent ${w.requests}`);
  assert.ok(arrivals.length >= w.requests + st.requests, `server saw ${arrivals.length}`);
  assert.match(r.stderr, /target warm-up \(counted in no stage\): 2 s at 300\/s on 5 connections, \d+ requests, 0 errors/);
});

test('target.warmup: bad values name the field and the value', () => {
  const cases: Array<[string, RegExp]> = [
    ['{ duration: 500ms, rate: 100/s }', /^target\.warmup\.duration .*"500ms" is shorter than the generator's 1 s interval/],
    ['{ duration: 5s, rate: 0/s }', /^target\.warmup\.rate .*"0\/s" must be above 0\/s/],
    ['{ duration: 5s, rate: capacity }', /^target\.warmup\.rate .*"capacity"/],
    ['{ duration: soon, rate: 100/s }', /^target\.warmup\.duration .*"soon"/],
    ['{ rate: 100/s }', /^target\.warmup\.duration/],
    ['{ duration: 5s, rate: 100/s, connections: 5 }', /^target\.warmup\.connections .*unknown key/],
  ];
  for (const [warmup, want] of cases) {
    const { problems } = parseScenario(plainScenario({ target: `  url: http://127.0.0.1:1\n  warmup: ${warmup}` }), join(dir, 'bad.yaml'));
    const lines = formatProblems(problems);
    assert.ok(lines.some((l) => want.test(l)), `${warmup}: ${want} not in:\n${lines.join('\n')}`);
  }
});

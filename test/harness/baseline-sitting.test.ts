import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../core/result.js';
import { PACKAGE_ROOT } from '../../core/version.js';
import { formatCell, headline } from '../../harness/report/headline.js';
import { gwBench } from '../own-gateway/helpers.js';

/**
 * `gw-bench baseline record --all` over loopback with a tiny scenario and the reference
 * only (the other implementations need their toolchains): the stored result carries the
 * sitting id the command printed, its place in the sitting, the commit and tree state of
 * this checkout and how long the recording took; the capacity step's probes say how long
 * they ran and how many held connections carried traffic, and both headline figures (p99
 * at the fixed rate, capacity) come out of the one file.
 */

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'gwb-sitting-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

const SCENARIO = `version: 1
name: tiny
target: { impl: reference, workers: 1, warmup: { duration: 1s, rate: 50/s } }
requests:
  - { name: user, path: "/api/user/\${uid}" }
load:
  arrival: constant
  workers: 1
  connectRate: 1000/s
  warmup: 500ms
  duration: 1s
  stages:
    - { name: c20, connections: 20, rate: 50/s }
    - { name: c20-capacity, connections: 20, rate: capacity }
  capacity: { min: 20/s, max: 80/s, probes: 2, probeDuration: 1s }
slo: { p99: 2s, errorRate: 5% }
generator: { maxSendLagP99: 500ms, maxEventLoopP99: 500ms, maxCpu: 100% }
`;

const git = (...args: string[]): string => execFileSync('git', args, { cwd: PACKAGE_ROOT, encoding: 'utf8' }).trim();

test('baseline record --all: sitting id, order, commit, tree state, recording time; both headline figures in one file', { timeout: 170_000 }, async () => {
  const file = join(dir, 'tiny.yaml');
  await writeFile(file, SCENARIO);
  const rec = join(dir, 'recorded');
  const sha = git('rev-parse', 'HEAD');
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  const r = await gwBench(dir, ['baseline', 'record', '--all', file, '--impls', 'reference', '--recorded-dir', rec, '--quiet'], 160_000);
  assert.equal(r.status, 0, r.stderr.slice(-3000) + r.stdout);
  const id = /^sitting (\d{8}-\d{6}):$/m.exec(r.stdout)?.[1];
  assert.ok(id, r.stdout);
  const line = /^\s+reference\s+([\d.]+) s\s+exit 0\s+(\S+)$/m.exec(r.stdout);
  assert.ok(line, r.stdout);
  assert.equal(line[2], join(rec, 'reference.tiny.json'));
  const result = JSON.parse(await readFile(join(rec, 'reference.tiny.json'), 'utf8')) as RunResult;
  assert.deepEqual({ ...result.recording, wallSeconds: 0 }, { sittingId: id, order: 1, of: 1, wallSeconds: 0 });
  const runSeconds = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
  assert.ok(result.recording!.wallSeconds >= runSeconds, `recording ${result.recording!.wallSeconds} s covers the run's ${runSeconds} s`);
  assert.equal(Number(line[1]), result.recording!.wallSeconds, 'printed and stored wall time agree');
  assert.equal(result.env.gitSha, sha);
  assert.equal(result.env.gitDirty, dirty);
  assert.ok(result.warmup && result.warmup.requests > 0, 'the target warm-up ran');

  const cap = result.stages.find((s) => s.name === 'c20-capacity')!;
  assert.ok(cap.capacity && cap.capacity.probes.length >= 1, JSON.stringify(cap.reasons));
  for (const p of cap.capacity.probes) {
    assert.ok(p.durationMs! >= 1000 && p.durationMs! >= (1.2 * 20 / p.rate) * 1000 - 50, `probe at ${p.rate}/s ran ${p.durationMs} ms: long enough for every connection`);
    assert.equal(p.activeConnections, 20, `every held connection carried a request at ${p.rate}/s`);
  }
  const h = headline([{ label: 'reference', result }]);
  assert.deepEqual(h.steps, [20]);
  assert.equal(h.fixedRps, 50);
  const p99 = h.metrics.find((m) => m.id === 'p99-fixed')!;
  assert.equal(p99.cells[0]![0]!.value, result.stages[0]!.latencyMs.p99);
  const capacity = h.metrics.find((m) => m.id === 'capacity')!;
  assert.equal(capacity.cells[0]![0]!.value, cap.capacity.rps);
  assert.match(formatCell(capacity, capacity.cells[0]![0]!), /\d+\/s/);
});

test('baseline record: --all with an implementation and a scenario, --impls without --all, an unknown --impls name: exit 2 naming it', { timeout: 60_000 }, async () => {
  const both = await gwBench(dir, ['baseline', 'record', '--all', 'reference', 'feed'], 30_000);
  assert.equal(both.status, 2, both.stderr);
  assert.match(both.stderr, /--all records every implementation: give only a scenario/);
  const impls = await gwBench(dir, ['baseline', 'record', 'reference', '--impls', 'reference'], 30_000);
  assert.equal(impls.status, 2, impls.stderr);
  assert.match(impls.stderr, /--impls only applies with --all/);
  const unknown = await gwBench(dir, ['baseline', 'record', '--all', 'feed', '--impls', 'cobol'], 30_000);
  assert.equal(unknown.status, 2, unknown.stderr);
  assert.match(unknown.stderr, /--impls: "cobol" is not an implementation/);
});

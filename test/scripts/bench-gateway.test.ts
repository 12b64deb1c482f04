import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CapacityProbe } from '../../core/result.js';
import { PACKAGE_ROOT } from '../../core/version.js';
import { bracketOf } from '../../scripts/lib/gateway-bench/cell.js';
import type { BenchReport } from '../../scripts/lib/gateway-bench/report.js';
import { ratioOf, spread, type CellSummary } from '../../scripts/lib/gateway-bench/summary.js';

const SCRIPT = join(PACKAGE_ROOT, 'dist', 'scripts', 'bench-gateway.js');
const probe = (rate: number, ok: boolean, over: Partial<CapacityProbe> = {}): CapacityProbe =>
  ({ rate, ok, valid: true, p99Ms: ok ? 10 : 500, errorRate: 0, achievedRps: rate, ...over });

test('capacity bracket: last passing probe to the first failing one above it, and what failed there', () => {
  assert.deepEqual(bracketOf([probe(1000, true), probe(2000, true), probe(4000, false), probe(3000, true), probe(3500, false)], 100), { low: 3000, high: 3500, upper: 'p99' });
  assert.deepEqual(bracketOf([probe(1000, true), probe(2000, false, { valid: false, p99Ms: 20 })], 100), { low: 1000, high: 2000, upper: 'generator' });
  assert.deepEqual(bracketOf([probe(1000, true), probe(2000, false, { p99Ms: 20, errorRate: 0.2 })], 100), { low: 1000, high: 2000, upper: 'errors' });
  assert.deepEqual(bracketOf([probe(1000, true), probe(2000, true)], 100), { low: 2000, high: null, upper: 'search-limit' });
  assert.deepEqual(bracketOf([probe(1000, false)], 100), { low: null, high: 1000, upper: 'p99' });
});

test('ratios: medians over runs, range from the brackets, null with both sides\' reasons when a side is missing', () => {
  assert.deepEqual(spread([3, null, 1, 2]), { median: 2, min: 1, max: 3, n: 3 });
  assert.equal(spread([null]), null);
  const cell = (impl: string, median: number, low: number, high: number, upper: CellSummary['bracket']['upper'] = ['p99'], cpu: number | null = null): CellSummary => ({
    impl, route: 'user', capacityRps: { median, min: median, max: median, n: 1 }, bracket: { low, high, upper }, p99AtCapacityMs: null,
    cpuUsPerRequest: cpu === null ? null : { median: cpu, min: cpu, max: cpu, n: 1 }, runs: 1, reason: null,
  });
  const cells = [cell('reference', 9000, 9000, 10000), cell('go-nethttp', 12000, 12000, 13000)];
  const r = ratioOf('user', 'reference', 'go-nethttp', cells, new Map());
  assert.equal(r.ratio, 0.75);
  assert.deepEqual(r.range, { low: 9000 / 13000, high: 10000 / 12000 });
  const none = ratioOf('user', 'reference', 'python-fastapi', cells, new Map([['python-fastapi', 'skipped: not built']]));
  assert.equal(none.ratio, null);
  assert.equal(none.reason, 'python-fastapi: skipped: not built');
  // A bracket that ends at the generator bounds capacity from below only: no capacity ratio,
  // but the CPU per request of both sides is still compared.
  const bounded = [cell('reference', 10000, 10000, 10500, ['generator'], 62), cell('go-nethttp', 8000, 8000, 8500, ['p99'], 86)];
  const lower = ratioOf('user', 'reference', 'go-nethttp', bounded, new Map());
  assert.equal(lower.ratio, null);
  assert.match(lower.reason ?? '', /^reference: capacity >= 10000\/s is a lower bound \(the upper edge of its bracket: generator\)$/);
  assert.ok(Math.abs(lower.cpuRatio! - 62 / 86) < 1e-12);
  assert.equal(r.cpuRatio, null);
  assert.match(r.cpuReason ?? '', /reference: no CPU figure/);
});

test('bench:gateway tiny run (reference only, one route, 2 probes): JSON with a capacity bracket, peer ratios null with a reason', { timeout: 120_000 }, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'gwb-bench-gw-')), 'out');
  // Low rates and a loose SLO: this checks what the command writes, not how fast anything is.
  const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT, '--impls', 'reference', '--routes', 'user', '--runs', '1', '--probes', '2',
    '--probe-duration', '1s', '--min', '40/s', '--max', '80/s', '--connections', '10', '--slo-p99', '5s', '--lag-floor', '5s', '--target-warmup', '1s', '--out', out], { timeout: 110_000 });
  const r = JSON.parse(readFileSync(join(out, 'bench-gateway.json'), 'utf8')) as BenchReport;
  assert.ok(existsSync(join(out, 'bench-gateway.md')));
  assert.match(stdout, /\| GET \/api\/user\/1 \| reference \|/);
  assert.equal(r.runs.length, 1);
  const run = r.runs[0]!;
  assert.equal(run.status, 'measured', run.reason ?? '');
  assert.ok(run.probes.length >= 1 && run.probes.length <= 2, `probes ${JSON.stringify(run.probes)}`);
  assert.deepEqual(run.probes.map((p) => p.rate), [40, 80].slice(0, run.probes.length), 'doubling from --min');
  // The bracket agrees with the probes it came from.
  assert.equal(run.bracket.low, run.capacityRps);
  assert.deepEqual(run.bracket, bracketOf(run.probes, 5000));
  if (run.capacityRps !== null) {
    // A probe that passed although the generator fell behind has no p99 figure, only a bound with the reason.
    if (run.p99AtCapacityMs === null) assert.match(run.p99Reason ?? '', /generator fell behind .* upper bound/);
    else assert.ok(run.p99AtCapacityMs > 0);
    assert.ok(run.cpuUsPerRequest !== null && run.cpuUsPerRequest > 0, `cpu ${run.cpuUsPerRequest} (${run.cpuReason})`);
    assert.equal(r.cells[0]!.capacityRps!.median, run.capacityRps);
    // One more probe at half the capacity found: its max latency is in the table.
    assert.equal(run.half?.rate, Math.round(run.capacityRps / 2));
    assert.ok(run.half!.maxMs >= run.half!.p999Ms && run.half!.p999Ms >= run.half!.p99Ms, JSON.stringify(run.half));
    assert.match(stdout, /max at half capacity/);
  }
  assert.ok(existsSync(join(run.dir, 'result.json')), 'the cell is a harness run folder');
  // The target was warmed at the lowest probe rate before the search, counted in no probe.
  const cellResult = JSON.parse(readFileSync(join(run.dir, 'result.json'), 'utf8')) as { warmup?: { durationMs: number; rps: number } | null };
  assert.equal(cellResult.warmup?.durationMs, 1000);
  assert.equal(cellResult.warmup?.rps, 40);
  // Peers not measured: their ratios are null with the reason, never a number.
  for (const peer of ['go-nethttp', 'java-spring-cloud-gateway', 'python-fastapi']) {
    const x = r.ratios.find((q) => q.route === 'user' && q.numerator === 'reference' && q.denominator === peer);
    assert.ok(x, `reference / ${peer} is in the table`);
    assert.equal(x.ratio, null);
    assert.match(x.reason ?? '', new RegExp(`${peer}: skipped: not in --impls`));
  }
  assert.match(stdout, /reference \/ go-nethttp/);
  assert.deepEqual(r.impls.find((i) => i.name === 'reference'), { name: 'reference', skipped: null });
});

test('bench:gateway: bad flags are one line and exit 2', async () => {
  for (const args of [['--runs', '0'], ['--routes', 'nope'], ['--impls', 'nope'], ['--min', 'fast'], ['--target-warmup', '10m'], ['--target-warmup', 'soon'], ['--whatever']]) {
    const e = await promisify(execFile)(process.execPath, [SCRIPT, ...args]).then(() => null, (err: { code: number; stderr: string }) => err);
    assert.ok(e, `${args.join(' ')} fails`);
    assert.equal(e.code, 2, `${args.join(' ')}: ${e.stderr}`);
    assert.equal(e.stderr.trim().split('\n').length, 1, e.stderr);
    assert.match(e.stderr, /^bench-gateway: /);
  }
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { result, stage } from './fixtures.js';

/**
 * `gw-bench gate --result` end to end through the real binary: exit codes of the
 * contract and the four output files. No load: the results are fixtures.
 */

const BIN = resolve('bin/gw-bench.js');
let dir: string;

before(async () => { dir = await mkdtemp(join(tmpdir(), 'gwb-gate-cli-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

/** Runs outside CI unless `ci` says otherwise: the --on-inconclusive default depends on CI. */
async function gate(name: string, stages: ReturnType<typeof stage>[], ...args: string[]) {
  return gateIn('false', name, stages, ...args);
}
async function gateIn(ci: string, name: string, stages: ReturnType<typeof stage>[], ...args: string[]) {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(result(stages)));
  const out = join(dir, `out-${name}`);
  const r = await execa(process.execPath, [BIN, 'gate', '--result', file, '--out', out, ...args], { reject: false, env: { CI: ci } });
  return { ...r, out };
}

test('thresholds met: exit 0, all four outputs written and consistent', async () => {
  const r = await gate('pass', [stage({ p99: 12 })], '--threshold', 'p99 < 50ms', '--threshold', 'reuse.client > 0.9');
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /gate: pass \(exit 0\)/);
  const g = JSON.parse(await readFile(join(r.out, 'gate.json'), 'utf8'));
  assert.equal(g.mode, 'absolute');
  assert.deepEqual(g.thresholds.map((t: { expr: string; outcome: string }) => [t.expr, t.outcome]), [
    ['p99 < 50ms', 'pass'], ['reuse.client > 0.9', 'pass'], ['errors <= 0.1% (default)', 'pass'], ['http_5xx == 0 (default)', 'pass'],
  ]);
  const junit = await readFile(join(r.out, 'junit.xml'), 'utf8');
  assert.match(junit, /<testsuites name="gw-bench gate" tests="5" failures="0" errors="0" skipped="0">/);
  const bmf = JSON.parse(await readFile(join(r.out, 'bmf.json'), 'utf8'));
  assert.equal(bmf['fixture/s0'].p99.value, 12);
  assert.match(await readFile(join(r.out, 'summary.md'), 'utf8'), /gw-bench gate: \*\*pass\*\* \(exit 0\)/);
});

test('a breached threshold fails with exit 1 and names it; junit has the failure', async () => {
  const r = await gate('fail', [stage({ p99: 80 })], '--threshold', 'p99 < 50ms');
  assert.equal(r.exitCode, 1);
  assert.match(r.stderr, /gate failed: threshold breached: p99 < 50ms: stage s0: p99 = 80ms, limit < 50ms -> BREACHED \[GW_ERR_GATE_FAILED\]/);
  const junit = await readFile(join(r.out, 'junit.xml'), 'utf8');
  assert.match(junit, /<testcase classname="thresholds.s0" name="p99 &lt; 50ms">\n\s+<failure message="fail: p99 &lt; 50ms/);
});

test('a stage-scoped threshold only checks its stage', async () => {
  const two = [stage({ index: 0, name: 'low', p99: 80 }), stage({ index: 1, name: 'high', p99: 20 })];
  assert.equal((await gate('scoped-ok', two, '--threshold', 'stage=high: p99 < 50ms')).exitCode, 0);
  assert.equal((await gate('scoped-bad', two, '--threshold', 'stage=0: p99 < 50ms')).exitCode, 1);
});

test('5xx responses are a target failure (exit 4) even with every threshold met', async () => {
  const r = await gate('5xx', [stage({ errors: { http_5xx: 1 }, errorRate: 0.0001 })], '--threshold', 'p99 < 50ms');
  assert.equal(r.exitCode, 4);
  assert.match(r.stderr, /http_5xx = 1/);
  const junit = await readFile(join(r.out, 'junit.xml'), 'utf8');
  assert.match(junit, /<error message="fail: http_5xx == 0 \(default\)/);
});

test('a stage the generator could not drive is inconclusive: exit 0 with a warning, 3 on request', async () => {
  const st = [stage({ status: 'invalid', reasons: ['event loop p99 80ms'] })];
  const soft = await gate('inv-soft', st, '--threshold', 'p99 < 50ms');
  assert.equal(soft.exitCode, 0);
  assert.match(soft.stdout, /warning: inconclusive/);
  const hard = await gate('inv-hard', st, '--threshold', 'p99 < 50ms', '--on-inconclusive', 'fail');
  assert.equal(hard.exitCode, 3);
  assert.match(hard.stderr, /GW_ERR_INCONCLUSIVE/);
});

test('in CI (CI=true) an inconclusive gate exits 3 by default; --on-inconclusive warn still opts out', async () => {
  const st = [stage({ status: 'invalid', reasons: ['event loop p99 80ms'] })];
  const ci = await gateIn('true', 'inv-ci', st, '--threshold', 'p99 < 50ms');
  assert.equal(ci.exitCode, 3, ci.stdout + ci.stderr);
  assert.match(ci.stderr, /GW_ERR_INCONCLUSIVE/);
  const optOut = await gateIn('true', 'inv-ci-warn', st, '--threshold', 'p99 < 50ms', '--on-inconclusive', 'warn');
  assert.equal(optOut.exitCode, 0);
  const g = JSON.parse(await readFile(join(ci.out, 'gate.json'), 'utf8'));
  assert.equal(g.verdict.exitCode, 3);
});

test('usage errors exit 2 before anything runs', async () => {
  const bad = await gate('usage', [stage()], '--threshold', 'p98 < 5ms');
  assert.equal(bad.exitCode, 2);
  assert.match(bad.stderr, /--threshold\[0\]: unknown metric "p98"/);
  const rerun = await gate('usage-rerun', [stage()], '--rerun-invalid', '-1');
  assert.equal(rerun.exitCode, 2);
  assert.match(rerun.stderr, /--rerun-invalid: -1 is not a non-negative whole number/);
  const none = await execa(process.execPath, [BIN, 'gate'], { reject: false });
  assert.equal(none.exitCode, 2);
  assert.match(none.stderr, /name a scenario file \(to run\) or --result/);
  const both = await execa(process.execPath, [BIN, 'gate', 'x.yaml', '--base-ref', 'HEAD', '--base-result', 'y.json'], { reject: false });
  assert.equal(both.exitCode, 2);
  assert.match(both.stderr, /--base-ref and --base-result are alternatives/);
});

test('--base-result: single-sample ratios are informational; the gate still passes on thresholds', async () => {
  const baseFile = join(dir, 'base.json');
  await writeFile(baseFile, JSON.stringify(result([stage({ p50: 2, p99: 10 })])));
  const r = await gate('vs-base', [stage({ p50: 4, p99: 10 })], '--base-result', baseFile, '--threshold', 'p99 < 50ms');
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /p50: 100\.0% worse than the recorded base .*not failing/);
  const g = JSON.parse(await readFile(join(r.out, 'gate.json'), 'utf8'));
  assert.equal(g.mode, 'base-result');
  assert.deepEqual(g.comparisons.find((c: { metric: string }) => c.metric === 'p50').verdict, 'info');
});

test('a run that failed before measuring (contract check) is a target failure, not inconclusive', async () => {
  const file = join(dir, 'failed-run.json');
  await writeFile(file, JSON.stringify(result([], { status: 'failed', verdict: { status: 'target-failure', exitCode: 4, reasons: ['GW_ERR_CONFORMANCE: target failed 2 contract check(s)'] } })));
  const r = await execa(process.execPath, [BIN, 'gate', '--result', file, '--out', join(dir, 'out-failed-run')], { reject: false });
  assert.equal(r.exitCode, 4);
  assert.match(r.stderr, /target failure: candidate: target failure: GW_ERR_CONFORMANCE/);
});

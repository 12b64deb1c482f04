import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';

const bin = join(PACKAGE_ROOT, 'bin', 'gw-bench.js');
const gw = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 30_000 });
const smoke = readFileSync(join(PACKAGE_ROOT, 'scenarios', 'smoke.yaml'), 'utf8');

/** Bad scenarios made from smoke.yaml: [what, edit, the problem line validate and run must both print]. */
const cases: Array<[string, (t: string) => string, RegExp]> = [
  ['connect rate 0', (t) => t.replace('connectRate: 1000/s', 'connectRate: 0/s'), /^ {2}load\.connectRate \(line \d+\): 0 is not a rate > 0 connections\/s$/m],
  ['unknown target.impl', (t) => t.replace('impl: reference', 'impl: nope'), /^ {2}target\.impl \(line 8\): "nope" is not an implementation; available: reference, .*"external" with target\.url, or "command" with target\.command$/m],
  ['10M connections, one worker', (t) => t.replace('{ connections: 100, rate: 300/s }', '{ connections: 10M, rate: 300/s }'), /^ {2}load\.workers \(line \d+\): 10000000 connections do not fit in 1 worker\(s\)/m],
  ['10M connections, auto workers', (t) => t.replace('connectRate: 1000/s\n  workers: 1', 'connectRate: 1000/s\n  workers: auto').replace('{ connections: 100, rate: 300/s }', '{ connections: 10M, rate: 300/s }'), /^ {2}load\.stages\[1\]\.connections \(line \d+\): 10000000 connections need 20000000 open files on this machine .*fs\.file-max/m],
  ['rate 0', (t) => t.replace('{ connections: 20, rate: 200/s }', '{ connections: 20, rate: 0/s }'), /^ {2}load\.stages\[0\]\.rate \(line \d+\): 0 is not a rate > 0 req\/s$/m],
  ['request timeout 0', (t) => t.replace('  duration: 5s\n', '  duration: 5s\n  requestTimeout: 0ms\n'), /^ {2}load\.requestTimeout \(line \d+\): 0 is not a duration > 0 ms$/m],
  ['send-lag limit 0', (t) => t.replace('maxSendLagP99: 25ms', 'maxSendLagP99: 0ms'), /^ {2}generator\.maxSendLagP99 \(line \d+\): 0 is not a limit > 0 ms$/m],
  ['bad threshold', (t) => t.replace('- p99 < 500ms', '- p99 < 500 fortnights'), /^ {2}gate\.thresholds\[0\] \(line \d+\): .*"500 fortnights" is not a duration/m],
];

test('validate and run give the same verdict on bad scenarios: exit 2, the same problems, and run starts nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gwb-agree-'));
  const file = join(dir, 'bad.yaml');
  for (const [what, edit, line] of cases) {
    const text = edit(smoke);
    assert.notEqual(text, smoke, `${what}: the edit applies`);
    writeFileSync(file, text);
    const v = gw('validate', file);
    const out = join(dir, 'out');
    const r = gw('run', file, '--out', out);
    assert.equal(v.status, 2, `${what}: validate exit code\n${v.stdout}${v.stderr}`);
    assert.equal(r.status, 2, `${what}: run exit code\n${r.stderr}`);
    assert.match(v.stderr, line, `${what}: validate names the problem`);
    assert.equal(r.stderr, v.stderr, `${what}: run says exactly what validate says`);
    assert.match(v.stderr, /\[GW_ERR_SCENARIO_INVALID\]/, what);
    assert.ok(!existsSync(out), `${what}: run created its output folder, so it got past the checks`);
  }
});

test('validate passes what run accepts (smoke.yaml)', () => {
  const v = gw('validate', join(PACKAGE_ROOT, 'scenarios', 'smoke.yaml'));
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /valid \(2 stages/);
});

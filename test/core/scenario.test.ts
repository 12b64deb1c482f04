import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, parseScenario, formatProblems } from '../../core/scenario/load.js';
import { quickScenario } from '../../core/scenario/quick.js';
import { ScenarioError } from '../../core/errors.js';
import { PACKAGE_ROOT } from '../../core/version.js';
import { schemaJson } from '../../scripts/write-schema.js';

const scen = (f: string): string => join(PACKAGE_ROOT, 'scenarios', f);

test('every shipped scenario is valid', async () => {
  const files = readdirSync(join(PACKAGE_ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.includes('feed.yaml') && files.includes('smoke.yaml'));
  for (const f of files) await loadScenario(scen(f));
});

test('feed.yaml steps 1k to 100k connections with the article mix', async () => {
  const s = await loadScenario(scen('feed.yaml'));
  assert.deepEqual(s.load.stages.map((x) => x.connections), [1000, 5000, 10000, 25000, 50000, 100000, 100000]);
  assert.deepEqual(s.load.stages.map((x) => x.name), ['1k', '5k', '10k', '25k', '50k', '100k', '100k-500rps']);
  assert.equal(s.load.connectionSelection, 'round-robin');
  // every step but the residency one measures its connections: rate x window >= 1.2 x connections (so >= 99% are active)
  for (const x of s.load.stages.slice(0, 6)) assert.ok((x.rate as number) * (x.durationMs / 1000) >= 1.2 * x.connections, `${x.name}: ${x.rate}/s x ${x.durationMs} ms`);
  const budgetS = s.load.stages.reduce((a, x) => a + (x.durationMs + x.warmupMs) / 1000, 0) + 100_000 / s.load.connectRate;
  // Measured: 345-360 s of these ran in 6.3-7.0 minutes of wall time (restarts, their ramps and the report included).
  assert.ok(budgetS <= 380, `windows + warm-ups + ramp ${budgetS} s leave room for start-up and the report in 10 minutes`);
  assert.equal(s.load.stages[0]!.rate, 500);
  assert.equal(s.load.stages[0]!.warmupMs, 15000);
  assert.equal(s.load.stages[0]!.durationMs, 10000);
  assert.equal(s.target.impl, 'reference');
  const feed = s.requests.find((r) => r.name === 'feed')!;
  assert.equal(feed.path, '/api/feed?uid=${uid}&room_id=${room_id}');
  assert.deepEqual(s.upstreams.find((u) => u.name === 'interact')!.weights, [80, 20]);
  assert.deepEqual(s.upstreams.find((u) => u.name === 'barrage')!.latency, { model: 'lognormal', p50Ms: 3, p99Ms: 15 });
  assert.equal(s.slo.errorRate, 0.001);
  assert.ok(Object.isFrozen(s) && Object.isFrozen(s.load.stages[0]));
  assert.ok(s.compare.every((c) => c.file.startsWith(join(PACKAGE_ROOT, 'baselines', 'recorded'))));
});

test('a scenario with several mistakes reports every one with its path (and line)', async () => {
  await assert.rejects(loadScenario(join(PACKAGE_ROOT, 'test', 'fixtures', 'scenarios', 'broken.yaml')), (e: unknown) => {
    assert.ok(e instanceof ScenarioError);
    assert.equal(e.exitCode, 2);
    const d = e.details.join('\n');
    assert.match(d, /^target\.url \(line 5\): is required when target\.impl is "external"$/m);
    assert.match(d, /^load\.duration \(line 10\): "20 seconds" is not a duration like 500ms, 20s or 2m$/m);
    assert.match(d, /^load\.stagse \(line 11\): unknown key; did you mean "stages"\? allowed here: /m);
    assert.match(d, /^load\.stages\[0\]\.connections \(line 13\): -5 is not a non-negative whole count/m);
    assert.equal(e.details.length, 4);
    return true;
  });
});

const base = `version: 1\nname: t\nrequests: [{ path: /x }]\nload:\n  stages: [{ connections: 10, rate: 10/s }]\n`;

test('table of single mistakes', () => {
  const cases: Array<[string, RegExp]> = [
    [base.replace('name: t', 'name: "bad name"'), /^name .*wrong format/],
    [base + 'target: { impl: external, url: "http://10.0.0.5:8080" }\n', /^target\.url .*not a loopback address/],
    [base + 'target: { url: "http://127.0.0.1:8080", pid: 0 }\n', /^target\.pid .*>= 1/],
    [base + 'target: { impl: reference, url: "http://127.0.0.1:1" }\n', /^target\.url .*only applies to target\.impl "external"/],
    [base + 'upstreams: [{ name: barrage, latency: { model: lognormal, p50: 10ms, p99: 5ms } }]\n', /^upstreams\[0\]\.latency\.p99 .*below p50/],
    [base + 'upstreams: [{ name: interact, instances: 2, weights: [1] }]\n', /^upstreams\[0\]\.weights .*1 entries for 2 instance/],
    [base + 'upstreams: [{ name: cache }]\n', /^upstreams\[0\]\.name .*"cache" is not one of/],
    [base + 'slo: { errorRate: 2 }\n', /^slo\.errorRate .*not a percentage/],
    [base + 'placement: { gateway: "one" }\n', /^placement\.gateway .*CPU list/],
    [base.replace('load:\n', 'load:\n  connectionSelection: fifo\n'), /^load\.connectionSelection .*"fifo".*round-robin/],
    [base.replace('rate: 10/s', 'rate: 10rps'), /^load\.stages\[0\]\.rate .*a rate like 2000\/s, or "capacity"/],
    [base.replace('/x', '"/x/${user}"'), /^requests\[0\]\.path .*unknown variable \$\{user\}/],
    [base + 'requests2: []\n', /^requests2 .*unknown key; did you mean "requests"\?/],
    [base + 'gate: { thresholds: [{ expr: "p99 < 5ms", stage: 9k }] }\n', /^gate\.thresholds\[0\]\.stage .*names no stage/],
    ['version: 1\nname: t\nload: { stages: [] }\n', /^requests .*is required/],
    ['name: [unclosed\n', /^\(yaml\)/],
  ];
  for (const [text, re] of cases) {
    const { scenario, problems } = parseScenario(text, '');
    assert.equal(scenario, undefined, `expected a problem for:\n${text}`);
    const lines = formatProblems(problems);
    assert.ok(lines.some((l) => re.test(l)), `${re} not in:\n${lines.join('\n')}`);
  }
});

test('defaults are applied and units parsed', () => {
  const { scenario } = parseScenario(base, '');
  assert.ok(scenario);
  assert.equal(scenario.load.arrival, 'poisson');
  assert.equal(scenario.load.connectionSelection, 'round-robin');
  assert.equal(scenario.load.stages[0]!.rate, 10);
  assert.equal(scenario.load.stages[0]!.durationMs, 20_000);
  assert.equal(scenario.upstreams.length, 4);
  assert.equal(scenario.requests[0]!.method, 'GET');
  assert.equal(scenario.requests[0]!.auth, 'valid');
  assert.equal(scenario.target.impl, 'reference');
});

test('--quick keeps the shape and scales the size down', async () => {
  const s = quickScenario(await loadScenario(scen('feed.yaml')));
  assert.equal(s.load.stages.length, 7);
  assert.deepEqual(s.load.stages.map((x) => x.connections), [20, 100, 200, 500, 1000, 1000, 1000]);
  assert.ok(s.load.stages.every((x) => x.durationMs <= 3000 && x.warmupMs <= 1000));
  const total = s.load.stages.reduce((a, x) => a + x.durationMs + x.warmupMs, 0);
  assert.ok(total <= 30_000, `quick feed measures ${total} ms`);
});

test('scenarios/schema.json is generated from core/scenario/schema.ts', () => {
  assert.equal(readFileSync(scen('schema.json'), 'utf8'), schemaJson(), 'run `npm run schema`');
});

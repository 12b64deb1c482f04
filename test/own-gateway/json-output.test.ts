import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GO, OURS } from '../report/fixtures.js';
import { gwBench } from './helpers.js';

/**
 * `compare --json`: one JSON document on stdout (the comparison), the human lines on
 * stderr, and the default output folder in ./reports of the current directory with the
 * same timestamp form as run and gate. (run, gate and validate --json are covered by
 * plain-target, user-gate and bad-input tests.)
 */

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'gwb-json-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('compare --json: the comparison on stdout, ratios to the primary, output in ./reports', { timeout: 60_000 }, async () => {
  const r = await gwBench(dir, ['compare', OURS, GO, '--labels', 'ours,go', '--json'], 55_000);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { primary: string; outDir: string; results: Array<{ label: string; stages: Array<{ name: string; p99Ms: number | null; ratioToPrimary: { p99: number | null } | null }> }> };
  assert.equal(doc.primary, 'ours');
  assert.deepEqual(doc.results.map((x) => x.label), ['ours', 'go']);
  const ours = doc.results[0]!.stages.find((s) => s.p99Ms !== null)!;
  assert.equal(ours.ratioToPrimary?.p99, 1);
  const go = doc.results[1]!.stages.find((s) => s.name === ours.name)!;
  if (go.p99Ms !== null) assert.ok(Math.abs(go.ratioToPrimary!.p99! - go.p99Ms / ours.p99Ms!) < 1e-9);
  assert.match(r.stderr, /^compared ours \(ours\), go\n/);
  assert.ok(doc.outDir.startsWith(join(dir, 'reports', 'compare-')));
  assert.ok(readdirSync(join(dir, 'reports')).some((d) => /^compare-\d{8}-\d{6}$/.test(d)));
});

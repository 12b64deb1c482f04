import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatProblems, parseScenario } from '../../core/scenario/load.js';
import { PACKAGE_ROOT } from '../../core/version.js';
import { runChecks } from '../../harness/scenario-checks.js';
import { fuzz } from './budget.js';

/**
 * Scenario loader and normalizer: any text gives a frozen scenario or a list of problems,
 * each with a path and a message; never an exception, never a half-built scenario.
 */

const files = ['smoke.yaml', 'feed.yaml'].map((f) => readFileSync(join(PACKAGE_ROOT, 'scenarios', f), 'utf8'));
const lines = files[0]!.split('\n');

function check(text: string): void {
  // Every check `run` makes (thresholds, implementation, the load plan), passed explicitly.
  const r = parseScenario(text, 'fuzz.yaml', runChecks);
  if (r.scenario) {
    assert.deepEqual(r.problems, []);
    assert.ok(Object.isFrozen(r.scenario) && Object.isFrozen(r.scenario.load.stages));
    assert.ok(r.scenario.load.stages.length > 0);
    for (const s of r.scenario.load.stages) assert.ok(Number.isFinite(s.durationMs) && s.durationMs >= 0, JSON.stringify(s));
    return;
  }
  assert.ok(r.problems.length > 0);
  for (const l of formatProblems(r.problems)) {
    assert.equal(typeof l, 'string');
    // Quoted user values may hold anything; the rest of the line must not show a bug.
    assert.doesNotMatch(l.replace(/"(?:[^"\\]|\\.)*"/g, '""'), /\bundefined\b|\[object Object\]|\bNaN\b/, l);
  }
}

/** Line-level edits of a valid scenario: drop, duplicate, swap, replace a value, insert noise. */
const lineEdits = fc.array(fc.tuple(fc.nat(lines.length - 1), fc.constantFrom('drop', 'dup', 'value', 'noise', 'indent'), fc.oneof(fc.string(), fc.constantFrom('-1', '0', '1e400', 'null', '[]', '{}', '"x"', '&a 1', '*a', '!!binary x', '~', '0x1F', '10000000000/s', '99999999999999999999ms', '-', ':', '? x'))), { maxLength: 5 })
  .map((edits) => {
    const out = [...lines];
    for (const [at, kind, v] of edits) {
      const i = Math.min(at, out.length - 1);
      if (i < 0) break;
      if (kind === 'drop') out.splice(i, 1);
      else if (kind === 'dup') out.splice(i, 0, out[i]!);
      else if (kind === 'value') out[i] = out[i]!.replace(/:\s.*$/, `: ${v}`);
      else if (kind === 'indent') out[i] = ` ${out[i]}`;
      else out.splice(i, 0, v);
    }
    return out.join('\n');
  });

test('fuzz scenario loader: line edits of smoke.yaml', () => {
  fuzz('scenario-lines', 600, fc.property(lineEdits, check));
});

test('fuzz scenario loader: arbitrary documents and text', () => {
  const doc = fc.oneof(fc.string({ maxLength: 200 }), fc.anything({ maxDepth: 3 }).map((v) => stringify(v) ?? ""), fc.dictionary(fc.constantFrom('version', 'name', 'target', 'upstreams', 'auth', 'variables', 'requests', 'load', 'slo', 'generator', 'gate', 'compare', 'placement'), fc.anything({ maxDepth: 3 })).map((o) => stringify({ version: 1, name: 'x', ...o })));
  fuzz('scenario-docs', 600, fc.property(doc, check));
});

test('fuzz scenario normalizer: random values at real paths of a valid scenario', () => {
  const paths: [string, string][] = [['load', 'duration'], ['load', 'warmup'], ['load', 'seed'], ['load', 'arrival'], ['load', 'connectRate'], ['load', 'workers'], ['auth', 'tokens'], ['target', 'impl'], ['target', 'url'], ['target', 'workers'], ['gate', 'relative']];
  const value = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom('capacity', '2000/s', '5s', 'auto', 'http://10.0.0.1/', 'http://127.0.0.1:1', 4294967296, -1, 0, 1.5));
  fuzz('scenario-values', 600, fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), value), { maxLength: 4 }), fc.array(fc.record({ connections: value, rate: value, duration: value, name: value }, { requiredKeys: [] }), { maxLength: 3 }), (edits, stages) => {
    const base = { version: 1, name: 'fz', requests: [{ path: '/api/user/${uid}', auth: 'valid' }], load: { stages: [{ connections: 2, rate: '10/s' }] } } as Record<string, any>;
    for (const [[a, b], v] of edits) base[a] = { ...(base[a] ?? {}), [b]: v };
    if (stages.length) base.load = { ...base.load, stages };
    check(stringify(base));
  }));
});

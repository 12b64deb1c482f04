import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../harness/gate/decide.js';
import type { BootstrapInterval } from '../../harness/gate/stats.js';

const iv = (ratio: number, lower: number, upper: number, n = 8): BootstrapInterval => ({ ratio, lower, upper, n, confidence: 0.95, resamples: 10000, seed: 1 });
const lim = { warn: 0.05, fail: 0.10 };

test('decision table', () => {
  const cases: { name: string; iv: BootstrapInterval; final: boolean; want: string }[] = [
    { name: 'no change', iv: iv(1.01, 0.97, 1.05), final: false, want: 'pass' },
    { name: 'small slowdown above warn', iv: iv(1.07, 1.02, 1.12), final: false, want: 'warn' },
    { name: 'beyond fail, lower bound > 1, stage 1', iv: iv(1.25, 1.12, 1.4), final: false, want: 'suspect' },
    { name: 'beyond fail, lower bound > 1, confirmed', iv: iv(1.25, 1.12, 1.4), final: true, want: 'regression' },
    { name: 'beyond fail but lower bound <= 1 (noise), narrow enough', iv: iv(1.11, 0.995, 1.19), final: true, want: 'warn' },
    { name: 'clearly faster', iv: iv(0.8, 0.75, 0.86), final: false, want: 'improvement' },
    { name: 'interval too wide', iv: iv(1.02, 0.85, 1.2), final: true, want: 'inconclusive' },
    { name: 'wide only on the faster side: the upper bound rules out a regression', iv: iv(0.95, 0.84, 1.05), final: true, want: 'pass' },
    { name: 'wide, upper bound just past the fail limit', iv: iv(0.98, 0.9, 1.11), final: true, want: 'inconclusive' },
    { name: 'too few pairs', iv: iv(1.5, 1.4, 1.6, 2), final: true, want: 'inconclusive' },
    { name: 'exactly at the fail limit is not a failure', iv: iv(1.1, 1.05, 1.15), final: true, want: 'warn' },
  ];
  for (const c of cases) assert.equal(decide(c.iv, lim, { final: c.final }).verdict, c.want, c.name);
});

test('a cleared suspect says so in its reason', () => {
  const d = decide(iv(1.06, 1.01, 1.11), lim, { final: true, wasSuspect: true });
  assert.equal(d.verdict, 'warn');
  assert.match(d.reason, /suspect in stage 1, not confirmed/);
  assert.match(d.reason, /median \+6\.0%/);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lognormalParams, makeSampler } from '../../upstream/latency.js';
import { deriveSeed, mulberry32 } from '../../core/prng.js';

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function draw(sample: () => number, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = sample();
  return out.sort((a, b) => a - b);
}

describe('latency samplers', () => {
  it('lognormalParams: mu is ln p50 and p99 sits 2.326 sigma above it', () => {
    const { mu, sigma } = lognormalParams(5, 40);
    assert.equal(mu, Math.log(5));
    assert.ok(Math.abs(Math.exp(mu + 2.3263478740408408 * sigma) - 40) < 1e-9);
    assert.equal(lognormalParams(7, 7).sigma, 0);
  });

  it('lognormal: 200k seeded samples reproduce the configured p50 and p99 within 3%', () => {
    const s = draw(makeSampler({ model: 'lognormal', p50: 5, p99: 40 }, mulberry32(42)), 200_000);
    const p50 = percentile(s, 0.5);
    const p99 = percentile(s, 0.99);
    assert.ok(Math.abs(p50 / 5 - 1) < 0.03, `p50 ${p50}`);
    assert.ok(Math.abs(p99 / 40 - 1) < 0.03, `p99 ${p99}`);
    assert.ok(s[0]! > 0, 'log-normal samples are positive');
  });

  it('uniform: every sample inside [min, max], mean near the middle', () => {
    const s = draw(makeSampler({ model: 'uniform', min: 2, max: 12 }, mulberry32(7)), 50_000);
    assert.ok(s[0]! >= 2 && s[s.length - 1]! <= 12);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    assert.ok(Math.abs(mean - 7) < 0.1, `mean ${mean}`);
  });

  it('constant: always the configured value', () => {
    const f = makeSampler({ model: 'constant', ms: 3.5 }, mulberry32(1));
    assert.deepEqual([f(), f(), f()], [3.5, 3.5, 3.5]);
  });

  it('same seed, same sequence; another instance name, another sequence', () => {
    const model = { model: 'lognormal', p50: 5, p99: 40 } as const;
    const a = makeSampler(model, mulberry32(deriveSeed(1, 'user-0:latency')));
    const b = makeSampler(model, mulberry32(deriveSeed(1, 'user-0:latency')));
    const c = makeSampler(model, mulberry32(deriveSeed(1, 'user-1:latency')));
    const sa = [a(), a(), a(), a()];
    assert.deepEqual([b(), b(), b(), b()], sa);
    assert.notDeepEqual([c(), c(), c(), c()], sa);
  });
});

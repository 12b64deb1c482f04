import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RotatingBloom, bloomSizing } from '../../gateway/auth/bloom.js';
import { JwtVerifier } from '../../gateway/auth/jwt.js';
import { loadConfig } from '../../gateway/config/load.js';
import { goodClaims, hsToken, SECRET } from './helpers.js';

test('sizing follows m = -n ln p / (ln 2)^2 and k = (m/n) ln 2; memory is two generations', () => {
  const s = bloomSizing(100_000, 0.01);
  assert.ok(Math.abs(s.bits - 958_506) < 64, `${s.bits} bits`);
  assert.equal(s.hashes, 7);
  assert.equal(s.bytes, (s.bits / 8) * 2);
  assert.ok(Math.abs(s.worstFalsePositiveRate - 0.0199) < 1e-6);
});

test('no false negatives; measured false-positive rate stays under the stated worst case (2 generations full)', () => {
  const n = 20_000;
  const b = new RotatingBloom(n, 0.01);
  // Fill the current generation, rotate, fill the next: both generations full.
  for (let i = 0; i < 2 * n; i++) b.add(`bad-token-${i}.x.y`);
  assert.equal(b.rotations, 1);
  for (let i = 0; i < 2 * n; i++) assert.ok(b.has(`bad-token-${i}.x.y`), `inserted key ${i} must be found`);
  let fp = 0;
  const probes = 200_000;
  for (let i = 0; i < probes; i++) if (b.has(`never-added-${i}.a.b`)) fp++;
  const rate = fp / probes;
  assert.ok(rate <= b.sizing.worstFalsePositiveRate * 1.25, `false-positive rate ${rate} above ${b.sizing.worstFalsePositiveRate}`);
  assert.ok(rate > 0.002, `rate ${rate} is implausibly low for a full filter (is it checking both generations?)`);
});

test('bounded: after two rotations the oldest keys are forgotten', () => {
  const b = new RotatingBloom(1000, 0.001);
  for (let i = 0; i < 1000; i++) b.add(`old-${i}`);
  for (let i = 0; i < 2001; i++) b.add(`new-${i}`);
  assert.equal(b.rotations, 3);
  let still = 0;
  for (let i = 0; i < 1000; i++) if (b.has(`old-${i}`)) still++;
  assert.ok(still < 20, `${still} of 1000 old keys still reported (only false positives expected)`);
});

function verifier(bloom: Record<string, unknown> | null, negativeCacheSize = 10_000): JwtVerifier {
  const cfg = loadConfig({ env: {}, overrides: { jwt: { negativeCacheSize, ...(bloom ? { negativeBloom: bloom } : {}) } } });
  return new JwtVerifier(cfg.jwt);
}

test('a saturated filter (every lookup a false positive) never rejects a valid token: it goes to full verification', () => {
  const v = verifier({ capacity: 16, falsePositiveRate: '40%' });
  // Saturate: every bit set, so every lookup is a (false) hit.
  (v.bloom as unknown as { current: Uint32Array }).current.fill(0xffffffff);
  let fpSeen = 0;
  for (let i = 0; i < 200; i++) {
    const token = hsToken(goodClaims(`user-${i}`));
    if (v.bloom!.has(token)) fpSeen++;
    const out = v.check(`Bearer ${token}`);
    assert.deepEqual(out, { ok: true, sub: `user-${i}` });
  }
  assert.equal(fpSeen, 200, `only ${fpSeen} of 200 valid tokens were filter hits; the test needs false positives`);
});

test('one-off bad tokens only set bits; a repeated bad token enters the LRU on its second refusal and is then answered from it', () => {
  let verifications = 0;
  const v = verifier({ capacity: 1000 });
  const orig = (v as unknown as { verify(t: string): unknown }).verify.bind(v);
  (v as unknown as { verify(t: string): unknown }).verify = (t: string) => { verifications++; return orig(t); };
  const bad = `Bearer ${hsToken(goodClaims(), undefined, 'another-secret-entirely-0123456789')}`;
  assert.deepEqual(v.check(bad), { ok: false, reason: 'signature' });
  assert.equal((v as unknown as { negative: Map<string, unknown> }).negative.size, 0, 'first refusal not stored');
  assert.deepEqual(v.check(bad), { ok: false, reason: 'signature' });
  assert.equal((v as unknown as { negative: Map<string, unknown> }).negative.size, 1, 'second refusal stored');
  for (let i = 0; i < 10; i++) assert.deepEqual(v.check(bad), { ok: false, reason: 'signature' });
  assert.equal(verifications, 2, 'later repeats cost no verification');
  // The secret is right for valid tokens, wrong for the bad one: check SECRET is the default.
  assert.equal(loadConfig({ env: {} }).jwt.secret, SECRET);
});

test('a flood of distinct one-off bad tokens does not evict a repeat offender from the negative LRU', () => {
  const run = (bloom: boolean): number => {
    let verifications = 0;
    const v = verifier(bloom ? { capacity: 50_000 } : null, 100);
    const orig = (v as unknown as { verify(t: string): unknown }).verify.bind(v);
    (v as unknown as { verify(t: string): unknown }).verify = (t: string) => { verifications++; return orig(t); };
    // 50 repeat offenders, each seen again after 49 others and 150 one-off tokens: more
    // distinct keys in between than the LRU (100) holds.
    const repeats = Array.from({ length: 50 }, (_, i) => `Bearer aaa.bbb.repeat${i}`);
    for (const r of repeats) { v.check(r); v.check(r); }
    verifications = 0;
    let junk = 0;
    for (let round = 0; round < 40; round++) {
      for (const r of repeats) {
        for (let j = 0; j < 3; j++) v.check(`Bearer junk.${junk++}.zzz`);
        v.check(r);
      }
    }
    return verifications;
  };
  assert.equal(run(true), 6000, 'with the filter only the 6000 one-offs are verified');
  assert.ok(run(false) >= 7900, 'without it the one-offs evict the repeat offender (LRU of 100)');
});

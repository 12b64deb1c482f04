import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfigError } from '../../core/errors.js';
import { DEFAULT_RAW_CONFIG } from '../../gateway/config/defaults.js';
import { mergeRaw } from '../../gateway/config/load.js';
import { validateConfig as validateGateway } from '../../gateway/config/validate.js';
import { defaultConfig, validateConfig as validateUpstream } from '../../upstream/config.js';
import { fuzz } from './budget.js';

/** Config validators: any document gives a frozen config or one ConfigError with path-named problems. */

type Obj = Record<string, unknown>;
const value = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom('auto', '1s', '-1', '1e9', 'http://127.0.0.1:1', 'http://[::1]:1*0', 'x*y', '', null, 0, -1, 65536, 1.5, 'HS256', 'RS256', 'health', 'proxy'));
/** A random edit at a random path of a known-good document. */
function mutated(base: Obj, paths: string[][]): fc.Arbitrary<Obj> {
  return fc.array(fc.tuple(fc.constantFrom(...paths), value), { maxLength: 4 }).map((edits) => {
    let doc: Obj = structuredClone(base);
    for (const [path, v] of edits) {
      const over: Obj = {};
      let at = over;
      path.forEach((k, i) => { if (i === path.length - 1) at[k] = v; else { at[k] = {}; at = at[k] as Obj; } });
      doc = mergeRaw(doc, over);
    }
    return doc;
  });
}
function pathsOf(o: unknown, prefix: string[] = []): string[][] {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return [prefix];
  return [prefix, ...Object.entries(o as Obj).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))].filter((p) => p.length);
}

function validOrConfigError(fn: () => unknown): void {
  let out: unknown;
  try { out = fn(); } catch (e) {
    assert.ok(e instanceof ConfigError, String((e as Error)?.stack ?? e));
    assert.ok(e.details.length > 0 || e.message.length > 0);
    for (const d of e.details) assert.equal(typeof d, 'string');
    return;
  }
  assert.ok(Object.isFrozen(out));
}

test('fuzz gateway config validator: mutated defaults and arbitrary documents', () => {
  const base = DEFAULT_RAW_CONFIG as unknown as Obj;
  const paths = [...pathsOf(base), ['routes'], ['bogus'], ['jwt', 'alg'], ['upstreams', 'ghost', 'instances']];
  fuzz('gateway-config', 1500, fc.property(fc.oneof(mutated(base, paths), fc.dictionary(fc.string(), value) as fc.Arbitrary<Obj>), (doc) => {
    validOrConfigError(() => validateGateway(doc, 'fuzz'));
  }));
});

test('fuzz upstream config validator: mutated defaults and arbitrary documents', () => {
  const base = JSON.parse(JSON.stringify({ host: '127.0.0.1', seed: 1, admin: { port: 0 }, services: { user: { instances: 2, latency: { model: 'constant', ms: 1 }, bodyBytes: 10, errorRate: 0 } } })) as Obj;
  const paths = [...pathsOf(base), ['services', 'ghost'], ['bogus']];
  assert.ok(defaultConfig());
  fuzz('upstream-config', 1500, fc.property(fc.oneof(mutated(base, paths), fc.anything() as fc.Arbitrary<Obj>), (doc) => {
    validOrConfigError(() => validateUpstream(doc, 'fuzz'));
  }));
});

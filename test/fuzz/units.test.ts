import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GwBenchError } from '../../core/errors.js';
import { parseCount, parseDuration, parsePercent, parseRate, parseSize, formatMs, formatBytes } from '../../core/units.js';
import { fuzz } from './budget.js';

/** Unit parsers: any input gives a finite number >= 0 or a GW_ERR_UNIT error, never anything else. */

const PARSERS = { parseDuration, parseCount, parseRate, parseSize, parsePercent };
const unitish = fc.oneof(
  fc.string(),
  fc.anything(),
  fc.constantFrom(Infinity, -Infinity, NaN, -0, Number.MAX_VALUE, 1e-320),
  fc.tuple(fc.oneof(fc.double(), fc.nat(), fc.constantFrom('1', '.5', '1.', '1e3', '-1', 'NaN', 'Infinity', '0x10', '٣', '9'.repeat(400), `0.${'9'.repeat(400)}`)), fc.constantFrom('', ' ', 'ms', 'us', 's', 'm', 'h', 'k', 'K', 'M', '%', 'B', 'KB', 'KiB', 'MiB', 'GB', '/s', 'k/min', '/h', '/sec', ' / s', 'xs')).map(([n, u]) => `${n}${u}`),
);

for (const [name, parse] of Object.entries(PARSERS)) {
  test(`fuzz ${name}: a finite non-negative number or GW_ERR_UNIT`, () => {
    fuzz(name, 2000, fc.property(unitish, (v) => {
      let out: number;
      try { out = parse(v, 'field'); } catch (e) {
        assert.ok(e instanceof GwBenchError && e.code === 'GW_ERR_UNIT', `${String(e)} for ${JSON.stringify(v)}`);
        assert.match(e.message, /^field: /);
        return;
      }
      assert.ok(Number.isFinite(out) && out >= 0, `${name}(${JSON.stringify(v)}) = ${out}`);
    }));
  });
}

test('fuzz units: well-formed values parse to their value', () => {
  fuzz('units-valid', 2000, fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => {
    assert.equal(parseDuration(`${n}ms`), n);
    assert.equal(parseDuration(`${n}s`), n * 1000);
    assert.equal(parseCount(`${n}k`), n * 1000);
    assert.equal(parseRate(`${n}/min`), n / 60);
    assert.equal(parseSize(`${n}KiB`), n * 1024);
    assert.equal(typeof formatMs(n), 'string');
    assert.equal(typeof formatBytes(n), 'string');
  }));
});

test('regression found by fuzzing: an overlong digit string is refused, not Infinity', () => {
  const big = '9'.repeat(400);
  for (const [parse, v] of [[parseDuration, `${big}ms`], [parseRate, `${big}/s`], [parseSize, `${big}B`]] as const) {
    assert.throws(() => parse(v, 'f'), /^UnitError: f: "9{10,}.*(too large)/);
  }
  assert.throws(() => parseDuration(Infinity, 'f'), /f: Infinity is not a duration/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCount, parseDuration, parsePercent, parseRate, parseSize, formatBytes, formatMs } from '../../core/units.js';
import { UnitError } from '../../core/errors.js';

const table = <T>(name: string, fn: (v: unknown) => T, good: Array<[unknown, T]>, bad: unknown[]): void => {
  test(`${name}: accepts`, () => {
    for (const [input, expected] of good) assert.equal(fn(input), expected, `${name}(${JSON.stringify(input)})`);
  });
  test(`${name}: rejects with the field named`, () => {
    for (const input of bad) {
      assert.throws(() => fn(input), (e: unknown) => e instanceof UnitError && e.code === 'GW_ERR_UNIT' && e.message.includes(JSON.stringify(input)), `${name}(${JSON.stringify(input)})`);
    }
  });
};

table('parseDuration', (v) => parseDuration(v, 'load.duration'),
  [['500ms', 500], ['20s', 20_000], ['2m', 120_000], ['1h', 3_600_000], ['1.5s', 1500], ['250us', 0.25], [' 3 s ', 3000], [0, 0], [150, 150]],
  ['20 seconds', '', '5', '-1s', 'ms', '1d', -5, null, {}]);

table('parseCount', (v) => parseCount(v, 'connections'),
  [['1k', 1000], ['100k', 100_000], ['1.5k', 1500], ['2M', 2_000_000], ['500', 500], [0, 0], [42, 42]],
  ['-5', -5, '1.5', 1.5, 'k', '10 conns', '1e3', null]);

table('parseRate', (v) => parseRate(v, 'rate'),
  [['2000/s', 2000], ['120k/min', 2000], ['60/m', 1], ['3600/h', 1], ['1.5k/s', 1500], ['10 / sec', 10], [250, 250]],
  ['2000', '2000rps', '/s', 'fast', -1, '10/d']);

table('parseSize', (v) => parseSize(v, 'bodySize'),
  [['512B', 512], ['2KB', 2000], ['1MiB', 1_048_576], ['1KiB', 1024], ['1.5KB', 1500], ['3mb', 3_000_000], [64, 64]],
  ['2 kilobytes', '12', 'KB', -1, '1TB']);

table('parsePercent', (v) => parsePercent(v, 'errorRate'),
  [['0.1%', 0.001], ['5%', 0.05], ['100%', 1], [0.2, 0.2], [0, 0]],
  ['0.1', '101%', 2, -0.1, '%']);

test('formatters', () => {
  assert.equal(formatMs(1.234), '1.23ms');
  assert.equal(formatMs(12.34), '12.3ms');
  assert.equal(formatMs(1500), '1.50s');
  assert.equal(formatMs(null), 'n/a');
  assert.equal(formatBytes(1536), '1.5KiB');
  assert.equal(formatBytes(200 * 1024 * 1024), '200MiB');
});

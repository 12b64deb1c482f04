import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GwBenchError } from '../../core/errors.js';
import { perWorkerCapacity, planWorkers, sourceAddresses } from '../../loadgen/plan/workers.js';
import { readFdLimit } from '../../loadgen/limits.js';

test('perWorkerCapacity: 80% of the limit minus a reserve of 64', () => {
  assert.equal(perWorkerCapacity(20000), 15936);
  assert.equal(perWorkerCapacity(1024), 755);
  assert.equal(perWorkerCapacity(65536), 52364);
  assert.equal(perWorkerCapacity(50), 0);
});

test('planWorkers: table of limits, connection counts and requests', () => {
  const cases: { max: number; fd: number; req?: 'auto' | number; workers: number; per: number }[] = [
    { max: 1000, fd: 20000, workers: 1, per: 15936 },
    { max: 15936, fd: 20000, workers: 1, per: 15936 },
    { max: 15937, fd: 20000, workers: 2, per: 15936 },
    { max: 100000, fd: 20000, workers: 7, per: 15936 },
    { max: 100000, fd: 20000, req: 'auto', workers: 7, per: 15936 },
    { max: 100000, fd: 20000, req: 8, workers: 8, per: 15936 },
    { max: 0, fd: 20000, workers: 1, per: 15936 },
    { max: 10000, fd: 1024, workers: 14, per: 755 },
    { max: 500, fd: 20000, req: 3, workers: 3, per: 15936 },
  ];
  for (const c of cases) {
    assert.deepEqual(planWorkers({ maxConnections: c.max, fdLimit: c.fd, requested: c.req }), { workers: c.workers, perWorkerMax: c.per, fdLimit: c.fd }, JSON.stringify(c));
  }
});

test('planWorkers: an explicit count that cannot hold the connections throws GW_ERR_FD_LIMIT saying what is possible', () => {
  assert.throws(() => planWorkers({ maxConnections: 100000, fdLimit: 20000, requested: 4 }), (e: unknown) => {
    assert.ok(e instanceof GwBenchError);
    assert.equal(e.code, 'GW_ERR_FD_LIMIT');
    assert.equal(e.exitCode, 2);
    assert.equal(e.message, '100000 connections do not fit in 4 worker(s): with an open-files limit of 20000 one worker can hold at most 15936 connections, so at least 7 workers are needed (use workers: auto or 7+)');
    return true;
  });
});

test('planWorkers: a limit too small for any connection, and a nonsense worker count, are named', () => {
  assert.throws(() => planWorkers({ maxConnections: 10, fdLimit: 64 }), { code: 'GW_ERR_FD_LIMIT', message: /open-files limit 64 leaves no room/ });
  assert.throws(() => planWorkers({ maxConnections: 10, fdLimit: 20000, requested: 0 }), { code: 'GW_ERR_USAGE' });
  assert.throws(() => planWorkers({ maxConnections: 10, fdLimit: 20000, requested: 1.5 }), { code: 'GW_ERR_USAGE' });
});

test('planWorkers: reads this process\'s own open-files limit when none is given', () => {
  const fd = readFdLimit();
  assert.ok(fd > 0);
  assert.equal(planWorkers({ maxConnections: 1 }).fdLimit, fd);
});

test('sourceAddresses: distinct loopback addresses, enough per worker for the per-address cap', () => {
  const one = sourceAddresses(7, 15000, 19762);
  assert.deepEqual(one.map((a) => a.length), [1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(one.flat(), ['127.1.0.1', '127.1.0.2', '127.1.0.3', '127.1.0.4', '127.1.0.5', '127.1.0.6', '127.1.0.7']);
  const many = sourceAddresses(2, 50000, 19762);
  assert.deepEqual(many, [['127.1.0.1', '127.1.0.2', '127.1.0.3'], ['127.1.0.4', '127.1.0.5', '127.1.0.6']]);
  const wide = sourceAddresses(1, 300 * 1000, 1000).flat();
  assert.equal(wide.length, 300);
  assert.equal(new Set(wide).size, 300);
  assert.equal(wide[253], '127.1.0.254');
  assert.equal(wide[254], '127.1.1.1');
  for (const a of wide) assert.match(a, /^127\.\d+\.\d+\.(\d+)$/);
});

test('client ports come from outside the kernel ephemeral range', async () => {
  const { localPortRanges, localPortCount } = await import('../../loadgen/limits.js');
  assert.deepEqual(localPortRanges([32768, 60999]), [[1024, 32767], [61000, 65535]]);
  assert.equal(localPortCount(localPortRanges([32768, 60999])), 31744 + 4536);
  assert.deepEqual(localPortRanges([1024, 65535]), []);
  assert.deepEqual(localPortRanges([10000, 65535]), [[1024, 9999]]);
});

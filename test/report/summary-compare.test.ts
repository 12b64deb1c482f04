import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envDifferences, ratioTables } from '../../harness/report/compare.js';
import { summarize, summaryLine } from '../../harness/report/summary.js';
import { reportData } from '../../harness/report/steps.js';
import { GO, OURS, SPRING, labelled } from './fixtures.js';

describe('summary', () => {
  it('names the p99 and throughput winner per step and by how much', async () => {
    const results = await labelled(OURS, GO);
    const s = summarize(reportData(results));
    assert.deepEqual(s.map((x) => x.step.key), ['1k', '10k', 'capacity', '50k', '100k']);
    const tenK = s[1]!;
    assert.deepEqual(tenK.measured, ['ts-ref', 'go']);
    assert.deepEqual(tenK.p99, { winner: 'go', value: 1.9, runnerUp: 'ts-ref', runnerUpValue: 2.281, factor: 2.281 / 1.9 });
    assert.deepEqual(tenK.throughput, { winner: 'go', value: 5000, runnerUp: 'ts-ref', runnerUpValue: 4990, factor: 5000 / 4990 });
    assert.equal(summaryLine(tenK, results), 'p99: go 1.90ms vs ts-ref 2.28ms (1.20x lower); throughput: go 5,000 req/s vs ts-ref 4,990 req/s (+0.2%)');
  });

  it('calls out invalid and not-reached stages instead of treating them as results', async () => {
    const results = await labelled(OURS, GO);
    const [, , , fiftyK, hundredK] = summarize(reportData(results));
    assert.equal(fiftyK!.p99, null);
    assert.deepEqual(fiftyK!.measured, ['go']);
    assert.equal(summaryLine(fiftyK!, results), 'only go has a result: p99 4.75ms, 9,950 req/s; ts-ref: INVALID (generator fell behind: send-lag p99 35 ms > limit 10 ms)');
    assert.match(summaryLine(hundredK!, results), /ts-ref: NOT REACHED \(needs 100000 connections/);
  });
});

describe('compare: ratio table', () => {
  it('divides ours by theirs per metric per step; non-results are named, never a ratio', async () => {
    const [table] = ratioTables(reportData(await labelled(OURS, GO)), 0);
    assert.equal(table!.ours, 'ts-ref');
    assert.equal(table!.theirs, 'go');
    const row = (m: string) => table!.rows.find((r) => r.metric === m)!;
    assert.deepEqual(row('p99').cells.map((c) => c.ratio), [1.52 / 1.14, 2.281 / 1.9, 1.9 / 1.71, null, null]);
    assert.deepEqual(row('p99').cells.map((c) => c.text), ['1.33x', '1.20x', '1.11x', 'ours invalid', 'ours not reached']);
    assert.deepEqual(row('achieved req/s').cells.slice(0, 3).map((c) => c.ratio), [1998 / 2000, 4990 / 5000, 7990 / 9980]);
    assert.deepEqual(row('capacity at SLO').cells.map((c) => c.text), ['n/a', 'n/a', '0.80x', 'ours invalid', 'ours not reached']);
    assert.deepEqual(row('RSS').cells.slice(0, 3).map((c) => c.text), ['3.00x', '2.50x', '2.33x']);
    assert.equal(row('error rate').cells[1]!.text, '0.030% vs 0');
    assert.equal(row('error rate').cells[0]!.text, 'both 0');
  });

  it('uses the primary as numerator', async () => {
    const [table] = ratioTables(reportData(await labelled(OURS, GO)), 1);
    assert.equal(table!.ours, 'go');
    assert.equal(table!.rows.find((r) => r.metric === 'p99')!.cells[1]!.ratio, 1.9 / 2.281);
    assert.equal(table!.rows.find((r) => r.metric === 'p99')!.cells[3]!.text, 'theirs invalid');
  });

  it('a step where both are invalid says so once', async () => {
    const [ours, go] = await labelled(OURS, GO);
    go!.result.stages[3]!.status = 'invalid';
    const [table] = ratioTables(reportData([ours!, go!]), 0);
    assert.equal(table!.rows[0]!.cells[3]!.text, 'both invalid');
  });

  it('a step only one result ran says so', async () => {
    const [, spring] = ratioTables(reportData(await labelled(OURS, GO, SPRING)), 0);
    assert.equal(spring!.theirs, 'spring');
    assert.deepEqual(spring!.rows.find((r) => r.metric === 'p99')!.cells.map((c) => c.text), ['0.53x', '0.40x', 'theirs not in run', 'ours invalid', 'ours not reached']);
  });
});

describe('compare: environment differences', () => {
  it('same machine: none (different runtimes of different implementations do not count)', async () => {
    assert.deepEqual(envDifferences(await labelled(OURS, GO)), []);
  });

  it('another machine: every field that matters, with each result\'s value', async () => {
    const diffs = envDifferences(await labelled(OURS, GO, SPRING));
    assert.deepEqual(diffs.map((d) => d.field), ['CPU model', 'cores', 'kernel', 'node', 'placement gateway', 'placement upstreams', 'fd limit', 'git sha']);
    assert.deepEqual(diffs[0]!.values, ['Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz', 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz', 'AMD EPYC 7763 64-Core Processor']);
    assert.deepEqual(diffs.find((d) => d.field === 'fd limit')!.values, ['20000', '20000', '65536']);
  });

  it('the same runtime at different versions counts', async () => {
    const [ours, go] = await labelled(OURS, GO);
    go!.result.env.runtimes = { go: 'go1.22.1' };
    assert.deepEqual(envDifferences([ours!, go!]).map((d) => [d.field, d.values]), [['runtime go', ['go1.26.0', 'go1.22.1']]]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorsByStepChart } from '../../harness/report/charts/errors-by-step.js';
import { generatorHealthChart, healthLimits } from '../../harness/report/charts/generator-health.js';
import { buildCharts } from '../../harness/report/charts/index.js';
import { reportData } from '../../harness/report/steps.js';
import { latencyByStepChart } from '../../harness/report/charts/latency-by-step.js';
import { latencyOverTimeChart } from '../../harness/report/charts/latency-over-time.js';
import { memoryRssChart } from '../../harness/report/charts/memory-rss.js';
import { NINES_TICKS, commonStep, percentileSpectrumChart } from '../../harness/report/charts/percentile-spectrum.js';
import { rateByStepChart } from '../../harness/report/charts/rate-by-step.js';
import { reuseByStepChart } from '../../harness/report/charts/reuse-by-step.js';
import { renderChartPng } from '../../harness/report/render-chart.js';
import { GO, OURS, SPRING, dataset, labelled } from './fixtures.js';

const at = (points: Array<{ x: number; y: number | null }>, x: number) => points.find((p) => Math.abs(p.x - x) < 1e-9)?.y;
const STEPS = ['1k conn', '10k conn', 'capacity (1k conn)', '50k conn', '100k conn'];

describe('chart 1: latency by percentile', () => {
  it('draws the highest step valid in every result (10k: ours 50k is invalid, 100k not reached)', async () => {
    const results = await labelled(OURS, GO);
    assert.equal(commonStep(reportData(results))?.key, '10k');
    const { config, title } = percentileSpectrumChart(reportData(results));
    assert.match(title, /at 10k conn/);
    const ours = dataset(config, 'ts-ref latency (intended send time)').data;
    const go = dataset(config, 'go latency (intended send time)').data;
    // Whole nines on the x axis are exact percentiles of the stage histogram.
    assert.deepEqual([0, 1, 2, 3].map((x) => at(ours, x)), [1.2, 1.2, 2.281, 6.003]);
    assert.deepEqual([0, 1, 2, 3].map((x) => at(go, x)), [1, 1, 1.9, 5.003]);
    assert.equal(at(dataset(config, 'ts-ref service time').data, 2), 1.71);
    assert.equal(dataset(config, 'ts-ref service time').borderDash.length, 2, 'service time is dashed');
    assert.deepEqual(dataset(config, 'ts-ref max 48.00 ms').data, [{ x: 4.3, y: 48 }]);
    assert.deepEqual(dataset(config, 'go max 40.00 ms').data, [{ x: 4.3, y: 40 }]);
  });

  it('labels the nines axis 0%, 90%, 99%, 99.9%, 99.99%, max', async () => {
    const { config } = percentileSpectrumChart(reportData(await labelled(OURS)));
    const x = config.options.scales.x;
    const axis = { ticks: [] as Array<{ value: number }> };
    x.afterBuildTicks(axis);
    assert.deepEqual(axis.ticks.map((t) => x.ticks.callback(t.value)), ['0%', '90%', '99%', '99.9%', '99.99%', 'max']);
    assert.deepEqual(NINES_TICKS.map(([v]) => v), [0, 1, 2, 3, 4, 4.3]);
  });

  it('with no common valid step, merges each implementation\'s valid stages by histogram (never averages)', async () => {
    const [ours, go] = await labelled(OURS, GO);
    const goBroken = structuredClone(go!);
    for (const s of goBroken.result.stages) if (['1k', '10k', 'capacity'].includes(s.name)) s.status = 'invalid';
    const { config, notes, title } = percentileSpectrumChart(reportData([ours!, goBroken]));
    assert.match(title, /merged/);
    assert.ok(notes.includes('ts-ref: merged over 3 valid stage(s): 1k, 10k, capacity'), notes.join('\n'));
    const merged = dataset(config, 'ts-ref latency (intended send time)').data;
    // Stage p90s are 0.8, 1.2 and 1.0 ms; their mean would be 1.0. The merged histogram's p90 is 1.2.
    assert.equal(at(merged, 1), 1.2);
    assert.equal(at(merged, 2), 2.281);
  });
});

describe('charts per step', () => {
  it('chart 2: p50/p99/p99.9 per step, gaps (null, not 0) for invalid and not-reached stages, named in notes', async () => {
    const spec = latencyByStepChart(reportData(await labelled(OURS, GO)));
    assert.deepEqual(spec.config.data.labels, STEPS);
    assert.deepEqual(dataset(spec.config, 'ts-ref p99').data, [1.52, 2.281, 1.9, null, null]);
    assert.deepEqual(dataset(spec.config, 'ts-ref p50').data, [0.8, 1.2, 1, null, null]);
    assert.deepEqual(dataset(spec.config, 'go p99').data, [1.14, 1.9, 1.71, 4.751, 7.603]);
    assert.deepEqual(dataset(spec.config, 'go p99.9').data, [3.001, 5.003, 4.503, 12.503, 40.031]);
    assert.deepEqual(spec.notes, ['ts-ref @ 50k conn: invalid (generator fell behind)', 'ts-ref @ 100k conn: not reached']);
    assert.deepEqual(spec.config.options.plugins.subtitle.text, spec.notes);
    assert.equal(spec.config.options.scales.y.type, 'logarithmic');
    // The invalid stage is visible only as a grey hollow "not a result" series; not-reached stays a gap.
    const shadow = dataset(spec.config, 'ts-ref p99 (INVALID stage, not a result)');
    assert.deepEqual(shadow.data, [null, null, null, 17.103, null]);
    assert.equal(shadow.backgroundColor, 'rgba(0,0,0,0)', 'hollow');
    assert.equal(spec.config.data.datasets.some((d: { label: string }) => d.label === 'go p99 (INVALID stage, not a result)'), false);
  });

  it('chart 3: offered vs achieved and capacity at SLO', async () => {
    const spec = rateByStepChart(reportData(await labelled(OURS, GO)));
    assert.deepEqual(dataset(spec.config, 'ts-ref achieved').data, [1998, 4990, 7990, null, null]);
    assert.deepEqual(dataset(spec.config, 'ts-ref offered').data, [2000, 5000, 8000, null, null]);
    assert.deepEqual(dataset(spec.config, 'go achieved').data, [2000, 5000, 9980, 9950, 9700]);
    assert.deepEqual(dataset(spec.config, 'ts-ref capacity at SLO').data, [null, null, 8000, null, null]);
    assert.deepEqual(dataset(spec.config, 'go capacity at SLO').data, [null, null, 10000, null, null]);
    assert.deepEqual(dataset(spec.config, 'ts-ref achieved (INVALID stage, not a result)').data, [null, null, null, 7100, null]);
    assert.ok(spec.notes.includes('ts-ref @ capacity (1k conn): capacity 8k req/s at p99 <= 50 ms, errors <= 0.10%'), spec.notes.join('\n'));
  });

  it('chart 4: errors stacked by kind, one stack per implementation; invalid stage not drawn', async () => {
    const spec = errorsByStepChart(reportData(await labelled(OURS, GO)));
    const timeout = dataset(spec.config, 'ts-ref: timeout');
    assert.equal(timeout.stack, 'ts-ref');
    assert.deepEqual(timeout.data, [0, 3, 0, null, null]);
    assert.deepEqual(dataset(spec.config, 'go: connect').data, [0, 0, 0, 12, 200]);
    assert.deepEqual(dataset(spec.config, 'go: http_5xx').data, [0, 0, 0, 2, 0]);
    // ts-ref's backlog errors happened only in its invalid 50k stage, so there is no such series.
    assert.equal(spec.config.data.datasets.some((d: { label: string }) => d.label === 'ts-ref: backlog'), false);
    assert.ok(spec.notes.includes('ts-ref @ 50k conn: invalid (generator fell behind)'));
    assert.equal(spec.config.options.scales.y.stacked, true);
  });

  it('chart 4: status breakdowns and expected 401s are never stacked on top of their class', async () => {
    const [ours] = await labelled(OURS);
    ours!.result.stages[0]!.errors = { http_5xx: 9, status_502: 9, expected_401: 9 };
    const spec = errorsByStepChart(reportData([ours!]));
    assert.deepEqual(spec.config.data.datasets.map((d: { label: string }) => d.label), ['ts-ref: http_5xx', 'ts-ref: timeout']);
    assert.deepEqual(dataset(spec.config, 'ts-ref: http_5xx').data, [9, 0, 0, null, null]);
    assert.ok(spec.notes.includes('not drawn: expected_401 (answers the request mix asked for, not errors)'));
    const { stageTables } = await import('../../harness/report/stage-tables.js');
    const errors = stageTables(reportData([ours!])).find((t) => t.title.startsWith('Errors by kind'))!;
    assert.deepEqual(errors.columns.slice(3), ['backlog', 'expected_401', 'http_5xx', 'status_502', 'timeout', 'total errors']);
    assert.deepEqual(errors.rows[0], ['1k conn', 'ts-ref', 'ok', '0', '9', '9', '9', '0', '9']);
  });

  it('a failed stage: its errors are drawn, its latency is not a result', async () => {
    const [ours] = await labelled(OURS);
    ours!.result.stages[1]!.status = 'failed';
    const errors = errorsByStepChart(reportData([ours!]));
    assert.deepEqual(dataset(errors.config, 'ts-ref: timeout').data, [0, 3, 0, null, null]);
    const latency = latencyByStepChart(reportData([ours!]));
    assert.deepEqual(dataset(latency.config, 'ts-ref p99').data, [1.52, null, 1.9, null, null]);
    assert.ok(latency.notes.includes('ts-ref @ 10k conn: failed'));
  });

  it('chart 5: reuse client (solid) and upstream (dashed)', async () => {
    const spec = reuseByStepChart(reportData(await labelled(OURS, GO)));
    assert.deepEqual(dataset(spec.config, 'ts-ref client side').data, [0.9995, 0.998, 0.9996, null, null]);
    assert.deepEqual(dataset(spec.config, 'go upstream side').data, [0.9999, 0.9999, 0.9999, 0.9999, 0.9999]);
    assert.deepEqual(dataset(spec.config, 'go upstream side').borderDash, [6, 4]);
  });

  it('chart 6: RSS (heap part + rest); missing heap is named', async () => {
    const results = await labelled(OURS, GO, SPRING);
    const rss = memoryRssChart(reportData(results));
    assert.deepEqual(dataset(rss.config, 'ts-ref heap used').data, [48, 160, 56, null, null]);
    assert.deepEqual(dataset(rss.config, 'ts-ref RSS beyond heap').data, [72, 240, 84, null, null]);
    assert.deepEqual(dataset(rss.config, 'spring RSS').data, [520, 900, null, null, null]);
    assert.ok(rss.notes.includes('spring: heap not available (not exposed by the target), bar is RSS only'));
  });
});

describe('chart 7: latency over time', () => {
  it('marks stage starts, shades warm-up and the invalid stage, and keeps non-results out of the coloured lines', async () => {
    const [ours] = await labelled(OURS);
    const spec = latencyOverTimeChart(ours!, 0, '#0072B2');
    const marks = spec.config.options.plugins.gwMarks;
    assert.deepEqual(marks.lines, [{ x: 1, label: '1k' }, { x: 9, label: '10k' }, { x: 17, label: 'capacity' }, { x: 25, label: '50k' }]);
    assert.deepEqual(marks.bands.filter((b: { label: string }) => b.label === 'warm-up').map((b: { from: number; to: number }) => [b.from, b.to]), [[1, 3], [9, 11], [17, 19], [25, 27]]);
    assert.deepEqual(marks.bands.filter((b: { label: string }) => b.label === 'invalid').map((b: { from: number; to: number }) => [b.from, b.to]), [[25, 32]]);
    const p99 = dataset(spec.config, 'p99').data as Array<{ x: number; y: number | null }>;
    const grey = dataset(spec.config, 'p99 during warm-up or in stages that are not results').data as Array<{ x: number; y: number | null }>;
    assert.equal(at(p99, 1), null, 'warm-up second is not a result');
    assert.equal(typeof at(grey, 1), 'number');
    assert.equal(at(p99, 6), 1.52, 'measured second of 1k where the fixture wobble is 1.0');
    for (const t of [25, 27, 31]) assert.equal(at(p99, t), null, `invalid 50k at t=${t} is not drawn as a result`);
    assert.ok(spec.notes.includes('50k: invalid (drawn grey, not a result)'));
    assert.ok(spec.notes.includes('100k: not-reached, no timeline'));
  });
});

describe('chart 8: generator health', () => {
  it('draws the lag bound against its allowance and event-loop p99 with its limit, the invalid stage as a red cross', async () => {
    const results = await labelled(OURS, GO);
    const spec = generatorHealthChart(reportData(results));
    const lag = dataset(spec.config, 'ts-ref lag bound');
    assert.deepEqual(lag.data, results[0]!.result.stages.map((s) => s.generator.lagBoundMs));
    assert.equal(lag.data[4], null, 'not reached: a gap');
    assert.deepEqual(lag.pointStyle, ['circle', 'circle', 'circle', 'crossRot', 'circle']);
    const allowed = dataset(spec.config, 'ts-ref allowed bound').data as Array<number | null>;
    assert.equal(allowed[4], null, 'not reached: no allowance drawn');
    assert.ok(allowed.slice(0, 4).every((v) => v !== null && v >= 10), 'allowance is at least the 10 ms floor');
    assert.deepEqual(dataset(spec.config, 'go event-loop p99').data, [10, 12, 11, 30, 40]);
    assert.deepEqual(dataset(spec.config, 'event-loop limit 50 ms').data, [50, 50, 50, 50, 50]);
    assert.ok(spec.notes.some((n) => n.startsWith('ts-ref @ 50k conn: INVALID: generator lag bound')), spec.notes.join('\n'));
    assert.ok(spec.notes.includes('ts-ref @ 100k conn: not reached'));
  });

  it('reads normalized limits, and falls back to the scenario defaults, labelled as such', async () => {
    const [ours] = await labelled(OURS);
    const normalized = structuredClone(ours!);
    normalized.result.scenario.spec = { generator: { maxSendLagP99Ms: 7, maxEventLoopP99Ms: 30, maxCpu: 0.9 } };
    assert.deepEqual(healthLimits(normalized.result), { sendLagP99Ms: 7, eventLoopP99Ms: 30, recorded: true });
    const bare = structuredClone(ours!);
    bare.result.scenario.spec = {};
    assert.deepEqual(healthLimits(bare.result), { sendLagP99Ms: 10, eventLoopP99Ms: 25, recorded: false });
    const spec = generatorHealthChart(reportData([bare]));
    assert.deepEqual(dataset(spec.config, 'event-loop limit 25 ms (default)').data, [25, 25, 25, 25, 25]);
  });
});

describe('renderer', () => {
  it('draws every chart of a report as a PNG at twice the CSS size', async () => {
    const specs = buildCharts(reportData(await labelled(OURS, GO)));
    assert.equal(specs.length, 16, '6 headline charts + 7 step charts + 2 timelines + generator health');
    assert.deepEqual(specs.slice(0, 6).map((s) => s.id), ['headline-capacity', 'headline-p99-fixed', 'headline-rss-per-connection', 'headline-heap-residency', 'headline-upstream-reuse', 'headline-cpu-per-request']);
    assert.ok(specs.every((s) => s.caption.includes('Engine: ts-ref = gw-bench')), 'every chart names the engine');
    assert.ok(specs.every((s) => (s.config.options.plugins.subtitle.text as string[]).some((t) => t.startsWith('engine: ts-ref = gw-bench'))), 'and draws it');
    assert.equal(new Set(specs.map((s) => s.id)).size, specs.length, 'ids are unique (file names)');
    for (const spec of specs) {
      const png = await renderChartPng(spec);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${spec.id} is a PNG`);
      assert.equal(png.readUInt32BE(16), spec.width * 2, `${spec.id} width`);
      assert.equal(png.readUInt32BE(20), spec.height * 2, `${spec.id} height`);
    }
  });
});

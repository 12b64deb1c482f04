import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCharts } from '../../harness/report/charts/index.js';
import { compareDocument } from '../../harness/report/compare-json.js';
import { formatCell, headline, headlineNotes } from '../../harness/report/headline.js';
import { buildModel } from '../../harness/report/model.js';
import { FIXED_IMPL_COLOURS, GREY, LIMIT_RED, implColours } from '../../harness/report/palette.js';
import { reportData } from '../../harness/report/steps.js';
import { GO, OURS, SPRING, dataset, labelled } from './fixtures.js';

/**
 * The headline comparison: six figures by connections, one colour per implementation name
 * in every chart, a ratio table against the reference, and every cell that is not a result
 * explained once per report.
 */
describe('implementation colours', () => {
  it('are fixed by name, whatever the order or the company', () => {
    const four = ['reference', 'go-nethttp', 'java-spring-cloud-gateway', 'python-fastapi'];
    assert.deepEqual(implColours(four), four.map((n) => FIXED_IMPL_COLOURS[n]));
    assert.deepEqual(implColours(['python-fastapi', 'reference']), [FIXED_IMPL_COLOURS['python-fastapi'], FIXED_IMPL_COLOURS['reference']]);
    assert.deepEqual(implColours(['go-nethttp [autocannon]']), [FIXED_IMPL_COLOURS['go-nethttp']], 'an engine tag does not change the colour');
    const other = implColours(['reference', 'mine', 'reference#2', 'theirs']);
    assert.equal(other[0], FIXED_IMPL_COLOURS['reference']);
    assert.equal(new Set(other).size, 4, 'labels outside the fixed palette and repeats get distinct spare colours');
    assert.ok(other.slice(1).every((c) => !Object.values(FIXED_IMPL_COLOURS).includes(c)), 'spares never borrow a shipped implementation\'s colour');
  });

  it('are the same for an implementation in every chart of a report', async () => {
    const results = (await labelled(OURS, GO)).map((r, i) => ({ ...r, label: ['reference', 'go-nethttp'][i]! }));
    const charts = buildCharts(reportData(results));
    for (const [label, colour] of [['reference', FIXED_IMPL_COLOURS['reference']], ['go-nethttp', FIXED_IMPL_COLOURS['go-nethttp']]] as const) {
      const seen = new Set<string>();
      for (const c of charts) {
        for (const d of c.config.data.datasets as Array<{ label?: string; borderColor?: unknown }>) {
          // Limit lines (red) and non-results (grey, faded) are deliberately not the implementation's colour.
          if (typeof d.borderColor === 'string' && d.borderColor.startsWith('#') && d.borderColor !== LIMIT_RED && d.borderColor !== GREY && (d.label === label || d.label?.startsWith(`${label} `))) seen.add(d.borderColor);
        }
      }
      assert.deepEqual([...seen], [colour], `${label}: ${[...seen].join(', ')}`);
    }
  });
});

describe('headline figures', () => {
  it('by connections: capacity with its bracket, the fixed-rate figures, gaps with reasons', async () => {
    const h = headline(await labelled(OURS, GO, SPRING));
    assert.deepEqual(h.steps, [1000, 10000, 50000, 100000]);
    const cap = h.metrics.find((m) => m.id === 'capacity')!;
    assert.deepEqual(cap.cells[0]![0], { value: 8000, above: 12000, why: null });
    assert.equal(formatCell(cap, cap.cells[0]![0]!), '8000/s (< 12000)');
    assert.equal(cap.cells[0]![1]!.why, 'no capacity search at this step');
    const p99 = h.metrics.find((m) => m.id === 'p99-fixed')!;
    assert.equal(p99.cells[0]![0]!.value, 1.52, 'the 1k fixed-rate stage, not the 1k capacity stage');
    assert.equal(p99.cells[0]![2]!.value, null);
    assert.equal(p99.cells[0]![2]!.shadow, 17.103, 'an invalid stage keeps its figure in brackets only');
    assert.match(formatCell(p99, p99.cells[0]![2]!), /^invalid\* \(17\.1 ms\)$/);
    assert.match(p99.cells[0]![3]!.why!, /^not reached/);
    const residency = h.metrics.find((m) => m.id === 'heap-residency')!;
    assert.deepEqual(residency.cells[2]!.slice(0, 2).map((c) => c.why), ['heap residency not measurable (not exposed by the target)', 'heap residency not measurable (not exposed by the target)']);
    const charts = buildCharts(reportData(await labelled(OURS, GO)));
    const capChart = charts.find((c) => c.id === 'headline-capacity')!;
    assert.deepEqual(capChart.config.data.labels, ['1k', '10k', '50k', '100k'], 'connections on the x axis');
    assert.deepEqual(dataset(capChart.config, 'ts-ref').data, [8000, null, null, null]);
    assert.deepEqual(dataset(capChart.config, 'ts-ref: first failing rate').data, [12000, null, null, null]);
  });

  it('every cell that is not a result is explained once per report, and charts carry no per-cell notes', async () => {
    const results = await labelled(OURS, GO, SPRING);
    const notes = headlineNotes(headline(results));
    assert.equal(notes.filter((n) => n.includes('heap residency not measurable')).length, 1, notes.join('\n'));
    assert.ok(notes.includes('spring @ 1k, 10k: heap residency not measurable (not exposed by the target)'), notes.join('\n'));
    const model = buildModel(results);
    assert.equal(new Set([...model.notes, ...model.chartNotes]).size, model.notes.length + model.chartNotes.length, 'no note twice');
    assert.ok(model.chartNotes.includes('spring: heap not available (not exposed by the target), bar is RSS only'), 'the detail charts\' notes are kept, once');
    for (const n of notes) assert.ok(model.notes.includes(n), n);
    assert.ok(model.charts.every((c) => c.notes.length === 0), 'no chart repeats them');
    assert.ok(model.charts.every((c) => (c.config.options.plugins.subtitle.text as string[]).every((t) => t.startsWith('engine:'))));
  });

  it('ratio table against the reference: one row per figure and implementation', async () => {
    const results = (await labelled(OURS, GO)).map((r, i) => (i === 0 ? { ...r, result: { ...r.result, target: { ...r.result.target, impl: 'reference' } } } : r));
    const t = buildModel(results.reverse(), { primary: 0 }).headlineRatios!;
    assert.match(t.title, /Against the reference \(ts-ref\)/, 'the reference is found by its target, not by position');
    assert.deepEqual(t.columns, ['figure', 'better', 'implementation', '1k', '10k', '50k', '100k']);
    assert.equal(t.rows.length, 6);
    const p99 = t.rows.find((r) => r[0] === 'p99 at the fixed rate' || r[0]!.startsWith('p99 at'))!;
    assert.equal(p99[2], 'go');
    assert.equal(p99[6], 'ref -*', 'the reference did not reach 100k');
  });

  it('compare --json carries the same figures and reasons', async () => {
    const results = await labelled(OURS, GO, SPRING);
    const doc = compareDocument({ results, primary: 0, envDiffs: [], outDir: 'o', html: 'h', md: 'm', charts: [] }) as { headline: { connections: number[]; metrics: Array<{ id: string; byLabel: Record<string, Array<{ value: number | null; why: string | null }>> }>; notes: string[] } };
    assert.deepEqual(doc.headline.connections, [1000, 10000, 50000, 100000]);
    const cap = doc.headline.metrics.find((m) => m.id === 'capacity')!;
    assert.equal(cap.byLabel['ts-ref']![0]!.value, 8000);
    assert.deepEqual(doc.headline.notes, headlineNotes(headline(results)));
  });
});

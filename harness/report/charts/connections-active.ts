import { implColour } from '../palette.js';
import { omittedNotes, perStep, stepsOf, type LabeledResult } from '../steps.js';
import { HEIGHT, WIDTH, basePlugins } from './common.js';
import type { ChartSpec } from './types.js';

/**
 * Share of the held connections that carried at least one request in the window, per step.
 * A step at 100k connections where only a few hundred carry traffic measures a gateway
 * holding idle sockets, not serving 100k clients; this chart makes that visible.
 */
export function connectionsActiveChart(results: readonly LabeledResult[]): ChartSpec {
  const steps = stepsOf(results);
  const notes = omittedNotes(results, steps);
  const datasets = results.map(({ label, result }, i) => ({
    label,
    data: perStep(result, steps, (s) => {
      const active = s.connectionCounts.active;
      return active === undefined || active === null || s.connectionCounts.established === 0 ? null : (100 * active) / s.connectionCounts.established;
    }),
    borderColor: implColour(i),
    backgroundColor: implColour(i),
    borderWidth: 2.5,
    pointRadius: 3,
  }));
  const title = 'Held connections active in the window by step';
  return {
    id: 'connections-active',
    title,
    caption: 'Connections that carried at least one request in the measurement window, as a share of the connections held (established). Steps without a figure were run by an engine that cannot tell (autocannon) or by an older gw-bench.',
    notes,
    width: WIDTH,
    height: HEIGHT,
    config: {
      type: 'line',
      data: { labels: steps.map((s) => s.label), datasets },
      options: { plugins: basePlugins(title, notes), scales: { x: { title: { display: true, text: 'step' } }, y: { min: 0, max: 100, title: { display: true, text: '% of held connections active' } } } },
    },
  };
}

import { colourOf } from '../palette.js';
import { omittedNotes, perStep, type ReportData } from '../steps.js';
import { stepChart } from './common.js';
import type { ChartSpec } from './types.js';

/**
 * Share of the held connections that carried at least one request in the window, per step.
 * A step at 100k connections where only a few hundred carry traffic measures a gateway
 * holding idle sockets, not serving 100k clients; this chart makes that visible.
 */
export function connectionsActiveChart({ results, steps }: ReportData): ChartSpec {
  const notes = omittedNotes(results, steps);
  const datasets = results.map(({ label, result }, i) => ({
    label,
    data: perStep(result, steps, (s) => {
      const { active, established } = s.connectionCounts;
      return active == null || !established ? null : (100 * active) / established;
    }),
    borderColor: colourOf(results, i),
    backgroundColor: colourOf(results, i),
    borderWidth: 2.5,
    pointRadius: 3,
  }));
  return stepChart({
    id: 'connections-active', type: 'line', title: 'Held connections active in the window by step', notes, steps, datasets,
    y: { min: 0, max: 100, title: { display: true, text: '% of held connections active' } },
    caption: 'Connections that carried at least one request in the measurement window, as a share of the connections held (established). Steps without a figure were run by an engine that cannot tell (autocannon) or by an older gw-bench.',
  });
}

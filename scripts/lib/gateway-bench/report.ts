/** The JSON document `bench:gateway` writes (reports/bench-gateway-<time>/bench-gateway.json). */
import type { Placement } from '../../../core/result.js';
import type { CellRun } from './cell.js';
import type { BenchOptions } from './options.js';
import type { CellSummary, Ratio } from './summary.js';

export interface BenchReport {
  tool: 'gw-bench bench:gateway';
  version: string;
  startedAt: string;
  finishedAt: string;
  machine: { cpuModel: string; cores: number; node: string; loadAverageStart: string; loadAverageEnd: string };
  placement: Placement;
  settings: Omit<BenchOptions, 'impls' | 'out'>;
  routes: string[];
  /** Every implementation gw-bench knows; `skipped` says why one was not measured (null: measured). */
  impls: Array<{ name: string; skipped: string | null }>;
  /** Medians and spreads per (impl, route). */
  cells: CellSummary[];
  /** Every repetition as measured. */
  runs: CellRun[];
  ratios: Ratio[];
  files: { json: string; markdown: string; cells: string };
}

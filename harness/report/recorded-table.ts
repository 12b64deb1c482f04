import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GwBenchError } from '../../core/errors.js';
import { connLabel, formatCell, hasFigures, headline, headlineNotes, type Headline } from './headline.js';
import { loadResult } from './load-result.js';
import type { LabeledResult } from './steps.js';

/**
 * The README's table of recorded results, generated from `baselines/recorded/*.json` (issue
 * 16: a hand-written table drifted from the files). `gw-bench baseline table --write
 * README.md` rewrites the block between the markers; a test fails when they differ.
 */
export const TABLE_BEGIN = '<!-- recorded-results:begin (generated from baselines/recorded/*.json by `gw-bench baseline table --write README.md`; do not edit) -->';
export const TABLE_END = '<!-- recorded-results:end -->';

/** Column order: the reference first, then the shipped baselines, then anything else by name. */
const ORDER = ['reference', 'go-nethttp', 'java-spring-cloud-gateway', 'python-fastapi', 'nginx'];
const rank = (impl: string): number => (ORDER.includes(impl) ? ORDER.indexOf(impl) : ORDER.length);

/** Every recorded result in `dir`, labelled by implementation, grouped by scenario name (sorted). */
export async function loadRecorded(dir: string): Promise<Map<string, LabeledResult[]>> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const groups = new Map<string, LabeledResult[]>();
  for (const f of files) {
    const result = await loadResult(join(dir, f));
    const list = groups.get(result.scenario.name) ?? [];
    list.push({ label: result.target.impl, result, file: f });
    groups.set(result.scenario.name, list);
  }
  for (const list of groups.values()) list.sort((a, b) => rank(a.label) - rank(b.label) || a.label.localeCompare(b.label));
  return new Map([...groups.entries()].sort((a, b) => a[0].localeCompare(b[0])));
}

const minutes = (s: number): string => (s < 90 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`);

/** One line per result: commit, tree state, sitting, when, how long. */
function provenance({ label, result, file }: LabeledResult): string {
  const sha = result.env.gitSha ? result.env.gitSha.slice(0, 7) : 'unknown commit';
  const dirty = result.env.gitDirty ? ' (uncommitted changes)' : result.env.gitDirty === null ? ' (tree state unknown)' : '';
  const rec = result.recording;
  const took = rec
    ? `recording took ${minutes(rec.wallSeconds)} (build, start-up and run)`
    : `run took ${minutes((Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000)} (recording time not recorded)`;
  const sitting = rec ? `sitting ${rec.sittingId} (${rec.order} of ${rec.of})` : 'no sitting id (recorded one by one)';
  const workers = result.target.workers === null ? '' : `, ${result.target.workers} process${result.target.workers === 1 ? '' : 'es'}`;
  return `- \`${file ?? label}\`: ${label}${workers}; commit ${sha}${dirty}; ${sitting}; ${result.startedAt.slice(0, 10)}; ${took}; result schemaVersion ${result.schemaVersion}, ${result.status}`;
}

/** Markdown table of one metric (rows: connection steps; columns: implementations). */
function metricTable(h: Headline, m: Headline['metrics'][number]): string[] {
  const header = `| connections | ${h.labels.join(' | ')} |`;
  const rule = `|---|${h.labels.map(() => '---').join('|')}|`;
  const rows = h.steps.map((c, k) => `| ${connLabel(c)} | ${m.cells.map((row) => formatCell(m, row[k]!)).join(' | ')} |`);
  return [header, rule, ...rows];
}

/** The generated block for one scenario's recorded results. */
export function scenarioBlock(name: string, results: readonly LabeledResult[]): string[] {
  const h = headline(results);
  const out = [`### Scenario \`${name}\` (${results.length} implementation${results.length === 1 ? '' : 's'})`, '', ...results.map(provenance), ''];
  const sittings = new Set(results.map((r) => r.result.recording?.sittingId ?? null));
  const commits = new Set(results.map((r) => r.result.env.gitSha));
  if (sittings.size > 1 || sittings.has(null) || commits.size > 1) out.push(`Not one sitting: ${commits.size} commit(s), ${[...sittings].filter(Boolean).length || 'no'} sitting id(s); compare with care.`, '');
  for (const m of h.metrics) {
    if (!hasFigures(m)) {
      out.push(`**${m.title}**: no figure in these results; ${m.cells[0]?.[0]?.why ?? 'not recorded'}.`, '');
      continue;
    }
    const at = m.id === 'capacity' ? ' (highest probed rate that met the SLO; in brackets the lowest rate that failed, the bracket is the uncertainty)' : '';
    out.push(`**${m.title}**${at}`, '', ...metricTable(h, m), '');
  }
  const notes = headlineNotes(h);
  if (notes.length) out.push('`*` Cells that are not results, once each:', '', ...notes.map((n) => `- ${n}`), '');
  return out;
}

/** The whole generated block, markers included. */
export async function recordedTable(dir: string): Promise<string> {
  const groups = await loadRecorded(dir);
  const body = [...groups.entries()].flatMap(([name, results]) => scenarioBlock(name, results));
  if (body.length === 0) body.push(`No recorded results in ${dir}.`, '');
  return [TABLE_BEGIN, '', ...body, TABLE_END].join('\n');
}

/** The text with the block between the markers replaced; throws when the markers are missing. */
export function replaceTable(text: string, block: string, file: string): string {
  const a = text.indexOf(TABLE_BEGIN);
  const b = text.indexOf(TABLE_END);
  if (a < 0 || b < a) throw new GwBenchError('GW_ERR_USAGE', `${file}: no recorded-results markers (add the lines "${TABLE_BEGIN}" and "${TABLE_END}" where the table goes)`);
  return text.slice(0, a) + block + text.slice(b + TABLE_END.length);
}

/** The block currently between the markers (markers included), or null. */
export function currentTable(text: string): string | null {
  const a = text.indexOf(TABLE_BEGIN);
  const b = text.indexOf(TABLE_END);
  return a < 0 || b < a ? null : text.slice(a, b + TABLE_END.length);
}

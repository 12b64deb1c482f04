import type { GateReport } from '../report-model.js';

/** summary.md: the gate's verdict as a short Markdown PR comment. */

const ICON: Record<string, string> = { pass: '✅', warn: '⚠️', fail: '❌', inconclusive: '❔', 'target-failure': '💥', error: '🛑' };
const pct = (r: number | null): string => (r === null ? 'n/a' : `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`);
const val = (v: number | null, unit: string): string => (v === null ? 'n/a' : unit === 'B' ? `${Math.round(v)} B` : `${+v.toFixed(unit === 'req/s' ? 1 : 3)} ${unit}`);

/** Render the report as Markdown. */
export function renderSummary(r: GateReport): string {
  const L: string[] = [];
  L.push(`## ${ICON[r.verdict.status] ?? ''} gw-bench gate: **${r.verdict.status}** (exit ${r.verdict.exitCode})`);
  L.push('');
  const cand = r.candidate.kind === 'working-tree' && r.candidate.sha ? `, candidate ${r.candidate.sha.slice(0, 10)}${r.candidate.dirty ? ' + uncommitted changes' : ''}` : '';
  L.push(`Scenario \`${r.scenario.name}\`, mode \`${r.mode}\`${r.mode === 'calibrate' ? '' : cand}` + (r.base.kind === 'git-ref' ? `, base \`${r.base.ref}\`${r.base.sha ? ` (${r.base.sha.slice(0, 10)})` : ''}` : r.base.kind === 'result' ? `, base result \`${r.base.resultFile}\`` : '') + '.');
  L.push('');
  for (const x of r.verdict.reasons) L.push(`- ${x}`);
  for (const x of r.verdict.warnings) L.push(`- ⚠️ ${x}`);
  if (r.comparisons.length) {
    const d = r.design;
    L.push('');
    L.push(r.mode === 'calibrate' ? '### A/A: base vs base (both variants run the base)' : r.mode === 'base-result' ? '### Candidate vs one recorded base (informational)' : '### Base vs candidate');
    if (d) L.push(`${r.trials.length} trials, ${d.pairs} pairs${r.trials.some((t) => t.gateStage === 2) ? ` + ${d.confirmPairs} confirmation pairs` : ''}, order \`${d.order.join(' | ')}\` (A = base, B = candidate), seed ${d.seed}. Change > 0 means the candidate is worse; interval = ${Math.round((2 * d.confidence - 1) * 100)}% bootstrap (${d.resamples} resamples).`);
    L.push('');
    L.push('| stage | metric | base (median) | candidate (median) | change | interval | worse in | warn / fail | verdict |');
    L.push('|---|---|---|---|---|---|---|---|---|');
    for (const c of r.comparisons) {
      L.push(`| ${c.stageName} | ${c.metric} | ${val(c.baseMedian, c.unit)} | ${val(c.candidateMedian, c.unit)} | ${pct(c.ratio)} | ${c.lower === null ? 'n/a' : `${pct(c.lower)} … ${pct(c.upper)}`} | ${c.pairsWorse}/${c.n} | ${(c.warn * 100).toFixed(0)}% / ${(c.fail * 100).toFixed(0)}% | ${c.verdict} |`);
    }
  }
  if (r.thresholds.length) {
    L.push('');
    L.push('### Thresholds');
    L.push('| threshold | stage | outcome | detail |');
    L.push('|---|---|---|---|');
    for (const t of r.thresholds) L.push(`| \`${t.expr}\` | ${t.stageName} | ${t.outcome} | ${t.message.replace(/\|/g, '\\|')} |`);
  }
  if (r.calibration) {
    L.push('');
    L.push('### Calibration (A/A)');
    for (const s of r.calibration.suggestions) L.push(`- ${s}`);
  }
  L.push('');
  L.push('<sub>Details: gate.json (every trial, ratio and interval), junit.xml, bmf.json. A 2-core shared runner reliably detects changes of roughly 20-30% or more; see docs/gate.md.</sub>');
  return `${L.join('\n')}\n`;
}

import { ENV_WARNING, ratioAsTable } from './compare.js';
import { runReasons, type ReportModel } from './model.js';
import type { Table } from './table.js';

function cellMd(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function tableMd(t: Table, level = '###'): string {
  const lines = [`${level} ${t.title}`, ''];
  if (t.note) lines.push(`_${t.note}_`, '');
  lines.push(`| ${t.columns.map(cellMd).join(' | ')} |`, `|${t.columns.map((_, i) => (i < (t.labelColumns ?? 2) ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const r of t.rows) lines.push(`| ${r.map(cellMd).join(' | ')} |`);
  return lines.join('\n');
}

/** The report as Markdown for a pull-request comment: summary, ratios, charts linked as charts/<id>.png, tables, environment. */
export function renderMarkdown(model: ReportModel, chartDir = 'charts'): string {
  const out: string[] = [`# ${model.title}`, '', `Generated ${model.generatedAt}.`, ''];
  if (model.envDiffs.length > 0) {
    out.push(`> **Environment differs: ${ENV_WARNING}**`, '>');
    for (const d of model.envDiffs) out.push(`> - ${d.field}: ${d.values.map((v, i) => `${model.results[i]!.label} = \`${v}\``).join(', ')}`);
    out.push('');
  }
  out.push('## At a glance', '');
  if (model.headlineRatios) out.push(tableMd(model.headlineRatios), '');
  if (model.notes.length) out.push('### Not results (explained once for every chart and table)', '', ...model.notes.map((n) => `- ${n}`), '');
  const chart = (c: ReportModel['charts'][number]): string[] => [`![${c.title}](${chartDir}/${c.id}.png)`, '', `_${c.caption}_`, ''];
  for (const c of model.charts.filter((x) => x.id.startsWith('headline-'))) out.push(...chart(c));
  out.push('## Summary', '');
  for (const r of model.results) {
    const v = r.result.verdict;
    out.push(`- **${r.label}**${model.results.length > 1 && r === model.results[model.primary] ? ' (ours)' : ''}: ${v.status} (exit ${v.exitCode})${runReasons(v.reasons).length ? ` - ${runReasons(v.reasons).join('; ')}` : ''}${r.file ? ` - \`${r.file}\`` : ''}`);
  }
  out.push('');
  model.summaries.forEach((s, i) => out.push(`- **${s.step.label}**: ${model.summaryLines[i]}`));
  out.push('');
  if (model.ratios.length > 0) {
    out.push('## Ratios', '');
    for (const t of model.ratios) out.push(tableMd(ratioAsTable(t)), '');
  }
  out.push('## Charts', '');
  if (model.chartNotes.length) out.push('What the charts below leave out or flag, once for all of them:', '', ...model.chartNotes.map((n) => `- ${n}`), '');
  for (const c of model.charts.filter((x) => !x.id.startsWith('headline-'))) out.push(...chart(c));
  out.push('## Tables', '');
  for (const t of model.tables) out.push(tableMd(t), '');
  out.push('## Environment', '');
  out.push(tableMd({ title: 'Environment of each result', columns: ['field', ...model.results.map((r) => r.label)], labelColumns: model.results.length + 1, rows: model.envRows.map((r) => [r.differs ? `**${r.field}** (differs)` : r.field, ...r.values]) }), '');
  return out.join('\n');
}

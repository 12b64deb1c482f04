import { ENV_WARNING, ratioAsTable } from './compare.js';
import { runReasons, type ReportModel } from './model.js';
import type { Table } from './table.js';

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;max-width:1180px;padding:16px 24px;color:#212121}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.meta{color:#616161;font-size:12px}
.warn{border:2px solid #c62828;background:#ffebee;padding:10px 14px;margin:14px 0;border-radius:4px}
.warn strong{color:#b71c1c}
.verdict{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px}
.v-pass{background:#e8f5e9;color:#1b5e20}.v-fail,.v-target-failure{background:#ffebee;color:#b71c1c}.v-invalid,.v-incomplete,.v-interrupted{background:#fff8e1;color:#e65100}
ul.summary li{margin:3px 0}
ul.notes{font-size:12px;color:#5d4037}
.bad{color:#b71c1c;font-weight:600}
table{border-collapse:collapse;margin:6px 0 4px;font-size:12px}
th,td{border:1px solid #d0d0d0;padding:3px 7px;text-align:right;white-space:nowrap}
th{background:#f5f5f5}
th.l,td.l{text-align:left}
tr.invalid td,tr.failed td,tr.interrupted td{color:#8d6e63;background:#fff8e1}
tr.not-reached td{color:#9e9e9e;background:#fafafa;font-style:italic}
tr.differs td{background:#ffebee;font-weight:600}
.note{color:#616161;font-size:12px;margin:2px 0 10px}
.scroll{overflow-x:auto}
figure{margin:18px 0;page-break-inside:avoid}
figure img{width:100%;max-width:900px;border:1px solid #e0e0e0}
figcaption{color:#424242;font-size:12px;max-width:900px}
`;

function tableHtml(t: Table, heading = 'h3'): string {
  const labels = t.labelColumns ?? 2;
  const cls = (i: number) => (i < labels ? ' class="l"' : '');
  const head = `<tr>${t.columns.map((c, i) => `<th${cls(i)}>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = t.rows.map((r, i) => {
    const rowClass = t.rowClasses?.[i];
    return `<tr${rowClass ? ` class="${escapeHtml(rowClass)}"` : ''}>${r.map((c, j) => `<td${cls(j)}>${escapeHtml(c)}</td>`).join('')}</tr>`;
  }).join('\n');
  return `<${heading}>${escapeHtml(t.title)}</${heading}>\n${t.note ? `<p class="note">${escapeHtml(t.note)}</p>\n` : ''}<div class="scroll"><table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

/** The report as one self-contained HTML page: images as data: URIs, inline CSS, no script, no external URL. */
export function renderHtml(model: ReportModel, images: ReadonlyMap<string, Buffer>): string {
  const out: string[] = [];
  out.push(`<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(model.title)}</title>\n<style>${CSS}</style>\n</head>\n<body>`);
  out.push(`<h1>${escapeHtml(model.title)}</h1>`);
  out.push(`<p class="meta">Generated ${escapeHtml(model.generatedAt)} from ${model.results.map((r, i) => `${escapeHtml(r.label)}${i === model.primary && model.results.length > 1 ? ' (ours)' : ''}${r.file ? ` = ${escapeHtml(r.file)}` : ''}`).join(', ')}</p>`);
  const sections = [['glance', 'At a glance'], ['summary', 'Summary'], ...(model.ratios.length ? [['ratios', 'Ratios']] : []), ['charts', 'Charts'], ['tables', 'Tables'], ['environment', 'Environment']];
  out.push(`<p class="meta">${sections.map(([id, name]) => `<a href="#${id}">${name}</a>`).join(' &middot; ')}</p>`);
  if (model.envDiffs.length > 0) {
    out.push(`<div class="warn" id="env-differences"><strong>Environment differs: ${escapeHtml(ENV_WARNING)}</strong>`);
    out.push(tableHtml({ title: 'Differences', columns: ['field', ...model.results.map((r) => r.label)], labelColumns: model.results.length + 1, rows: model.envDiffs.map((d) => [d.field, ...d.values]) }, 'h3'));
    out.push('</div>');
  }
  // At a glance: the headline ratios, what is not a result (once for the whole report), the six headline charts.
  out.push('<h2 id="glance">At a glance</h2>');
  if (model.headlineRatios) out.push(tableHtml(model.headlineRatios));
  if (model.notes.length) {
    out.push('<h3 id="not-results">Not results (explained once for every chart and table)</h3>\n<ul class="notes">');
    for (const n of model.notes) out.push(`<li>${escapeHtml(n)}</li>`);
    out.push('</ul>');
  }
  const figure = (c: ReportModel['charts'][number]): string => {
    const png = images.get(c.id);
    return png ? `<figure id="chart-${escapeHtml(c.id)}"><img alt="${escapeHtml(c.title)}" src="data:image/png;base64,${png.toString('base64')}" width="${c.width}" height="${c.height}">\n<figcaption>${escapeHtml(c.caption)}</figcaption></figure>` : '';
  };
  for (const c of model.charts.filter((x) => x.id.startsWith('headline-'))) out.push(figure(c));
  out.push('<h2 id="summary">Summary</h2>');
  out.push('<ul class="summary">');
  for (const r of model.results) {
    const v = r.result.verdict;
    out.push(`<li><b>${escapeHtml(r.label)}</b> (${escapeHtml(r.result.target.impl)}, ${escapeHtml(r.result.scenario.name)}): <span class="verdict v-${escapeHtml(v.status)}">${escapeHtml(v.status)}</span> exit ${v.exitCode}${runReasons(v.reasons).length ? ` &mdash; ${escapeHtml(runReasons(v.reasons).join('; '))}` : ''}</li>`);
  }
  out.push('</ul>\n<ul class="summary">');
  model.summaries.forEach((s, i) => {
    const line = escapeHtml(model.summaryLines[i]!).replace(/\b(INVALID|NOT REACHED|FAILED|INTERRUPTED)\b/g, '<span class="bad">$1</span>');
    out.push(`<li><b>${escapeHtml(s.step.label)}</b>: ${line}</li>`);
  });
  out.push('</ul>');
  if (model.ratios.length > 0) {
    out.push('<h2 id="ratios">Ratios</h2>');
    for (const t of model.ratios) out.push(tableHtml(ratioAsTable(t)));
  }
  out.push('<h2 id="charts">Charts</h2>');
  if (model.chartNotes.length) {
    out.push('<p class="note">What the charts below leave out or flag, once for all of them:</p>\n<ul class="notes">');
    for (const n of model.chartNotes) out.push(`<li>${escapeHtml(n)}</li>`);
    out.push('</ul>');
  }
  for (const c of model.charts.filter((x) => !x.id.startsWith('headline-'))) out.push(figure(c));
  out.push('<h2 id="tables">Tables</h2>');
  for (const t of model.tables) out.push(tableHtml(t));
  out.push('<h2 id="environment">Environment</h2>');
  out.push(tableHtml({ title: 'Environment of each result', note: model.results.length > 1 ? 'Highlighted rows differ between results.' : undefined, columns: ['field', ...model.results.map((r) => r.label)], labelColumns: model.results.length + 1, rows: model.envRows.map((r) => [r.field, ...r.values]), rowClasses: model.envRows.map((r) => (r.differs ? 'differs' : null)) }));
  out.push('</body>\n</html>\n');
  return out.join('\n');
}

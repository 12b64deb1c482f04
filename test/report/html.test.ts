import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderReport } from '../../harness/report/render.js';
import { GO, OURS, SPRING, labelled } from './fixtures.js';

const VOID = new Set(['meta', 'img', 'br', 'hr', 'link', 'input', 'col', 'wbr', 'source']);

/** Check every non-void element is closed in order; returns the first problem or null. */
function unbalanced(html: string): string | null {
  const body = html.replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g)) {
    const [, close, rawName] = m;
    const name = rawName!.toLowerCase();
    if (VOID.has(name)) continue;
    if (!close) stack.push(name);
    else if (stack.pop() !== name) return `</${name}> at offset ${m.index} does not close <${stack.at(-1) ?? 'nothing'}>`;
  }
  return stack.length ? `unclosed: ${stack.join(', ')}` : null;
}

describe('report.html and report.md', () => {
  let dir: string;
  let html: string;
  let md: string;
  let out: Awaited<ReturnType<typeof renderReport>>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gwb-report-html-'));
    out = await renderReport({ results: await labelled(OURS, GO, SPRING), outDir: dir, title: 'Fixture <comparison> & co' });
    html = await readFile(out.html, 'utf8');
    md = await readFile(out.md, 'utf8');
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('writes report.html, report.md and one PNG per chart', () => {
    assert.equal(out.html, join(dir, 'report.html'));
    assert.equal(out.md, join(dir, 'report.md'));
    assert.equal(out.charts.length, 17, '6 headline charts + 7 step charts + 3 timelines + generator health');
    for (const f of out.charts) assert.ok(existsSync(f), f);
  });

  it('is self-contained: no external URL, no script, images inlined', () => {
    assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*https?:/i);
    assert.doesNotMatch(html, /<script\b/i);
    assert.doesNotMatch(html, /url\(\s*['"]?\s*https?:/i);
    assert.doesNotMatch(html, /<link\b/i);
    const imgs = [...html.matchAll(/<img\b[^>]*\bsrc="([^"]*)"/g)].map((m) => m[1]!);
    assert.equal(imgs.length, 17);
    for (const src of imgs) assert.match(src, /^data:image\/png;base64,iVBORw0KGgo/);
  });

  it('is well-formed: doctype, head/body, every element closed in order, title escaped', () => {
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.match(html, /<\/body>\n<\/html>\n$/);
    assert.equal(unbalanced(html), null);
    assert.match(html, /<title>Fixture &lt;comparison&gt; &amp; co<\/title>/);
    // Links only to anchors inside the page.
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    assert.deepEqual(hrefs, ['#glance', '#summary', '#ratios', '#charts', '#tables', '#environment']);
    for (const h of hrefs) assert.match(html, new RegExp(`id="${h.slice(1)}"`));
  });

  it('puts the environment warning first, then at a glance, the summary, ratios, charts, tables, environment', () => {
    const order = ['id="env-differences"', 'id="glance"', 'id="summary"', 'id="ratios"', 'id="charts"', 'id="tables"', 'id="environment"'].map((s) => html.indexOf(s));
    assert.ok(order.every((i) => i > 0), String(order));
    assert.deepEqual([...order].sort((a, b) => a - b), order);
    assert.match(html, /Results from different machines or setups are not comparable in absolute terms/);
  });

  it('summary names winners and calls out invalid / not-reached stages', () => {
    const summary = html.slice(html.indexOf('id="summary"'), html.indexOf('id="ratios"'));
    assert.match(summary, /<b>10k conn<\/b>: p99: go 1\.90ms vs ts-ref 2\.28ms \(1\.20x lower\)/);
    assert.match(summary, /<span class="bad">INVALID<\/span>/);
    assert.match(summary, /<span class="bad">NOT REACHED<\/span>/);
    assert.match(summary, /<span class="verdict v-invalid">invalid<\/span> exit 3/);
  });

  it('tables show both memory ratios with their formulas, and mark non-results', () => {
    assert.match(html, /<th>residency heapUsed\/RSS<\/th>/);
    assert.match(html, /<th>RSS\/heapUsed<\/th>/);
    assert.match(html, /<th>RSS\/heap_sys \(seed\)<\/th>/);
    assert.match(html, /<th>CPU \/ request<\/th>/);
    assert.match(html, /<td>4\.75ms \(generator adds at most \d/, 'p99 shown with the generator lag bound');
    assert.match(html, /<tr class="invalid"><td class="l">50k conn<\/td><td class="l">ts-ref<\/td><td class="l">INVALID: not a result<\/td>/);
    assert.match(html, /<tr class="not-reached"><td class="l">100k conn<\/td><td class="l">ts-ref<\/td><td class="l">NOT-REACHED: not a result<\/td><td>not reached<\/td>/);
    assert.match(html, /<td>\(17\.1ms \(generator adds at most [0-9.]+ ms to 99\.9% of requests\)\)<\/td>/, 'invalid p99 shown only in parentheses, with its bound');
  });

  it('markdown has the summary, tables and relative links to charts that exist', () => {
    assert.match(md, /^# Fixture <comparison> & co/);
    assert.match(md, /> \*\*Environment differs: Results from different machines/);
    assert.match(md, /- \*\*50k conn\*\*: only go has a result: p99 4\.75ms, 9,950 req\/s; ts-ref: INVALID/);
    const links = [...md.matchAll(/!\[[^\]]*\]\((charts\/[^)]+\.png)\)/g)].map((m) => m[1]!);
    assert.equal(links.length, 17);
    for (const l of links) assert.ok(existsSync(join(dir, l)), l);
    assert.doesNotMatch(md, /data:image/);
    assert.match(md, /\| p99 \| lower \| 1\.33x \| 1\.20x \| 1\.11x \| ours invalid \| ours not reached \|/);
  });

  it('a same-machine comparison has no environment warning', async () => {
    const dir2 = await mkdtemp(join(tmpdir(), 'gwb-report-html2-'));
    try {
      const r = await renderReport({ results: await labelled(OURS, GO), outDir: dir2 });
      const h = await readFile(r.html, 'utf8');
      assert.doesNotMatch(h, /env-differences/);
      assert.match(h, /<h1>gw-bench comparison: ts-ref vs go<\/h1>/);
    } finally {
      await rm(dir2, { recursive: true, force: true });
    }
  });
});

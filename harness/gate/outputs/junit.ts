import type { GateReport } from '../report-model.js';

/**
 * junit.xml: one testcase per compared metric and per threshold, so CI systems show the
 * gate like a test run. Failures carry the reason; unmeasurable ones are skipped.
 */

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Case { classname: string; name: string; kind: 'pass' | 'failure' | 'error' | 'skipped'; message: string; body?: string }

function suite(name: string, cases: Case[]): string {
  const n = (k: Case['kind']): number => cases.filter((c) => c.kind === k).length;
  const lines = cases.map((c) => {
    const open = `    <testcase classname="${esc(c.classname)}" name="${esc(c.name)}">`;
    if (c.kind === 'pass') return `    <testcase classname="${esc(c.classname)}" name="${esc(c.name)}"><system-out>${esc(c.message)}</system-out></testcase>`;
    const tag = c.kind;
    return `${open}\n      <${tag} message="${esc(c.message)}">${esc(c.body ?? c.message)}</${tag}>\n    </testcase>`;
  });
  return `  <testsuite name="${esc(name)}" tests="${cases.length}" failures="${n('failure')}" errors="${n('error')}" skipped="${n('skipped')}">\n${lines.join('\n')}\n  </testsuite>`;
}

/** Render the report as JUnit XML. */
export function renderJunit(r: GateReport): string {
  const suites: string[] = [];
  const gateCases: Case[] = [{
    classname: 'gate', name: `verdict (${r.mode})`,
    kind: r.verdict.status === 'pass' || r.verdict.status === 'warn' ? 'pass' : r.verdict.status === 'inconclusive' ? (r.verdict.exitCode === 0 ? 'skipped' : 'failure') : r.verdict.status === 'fail' ? 'failure' : 'error',
    message: `${r.verdict.status}: ${r.verdict.reasons.join('; ')}`,
    body: [...r.verdict.reasons, ...r.verdict.warnings].join('\n'),
  }];
  suites.push(suite('gate', gateCases));
  if (r.comparisons.length) {
    suites.push(suite('relative', r.comparisons.map((c) => ({
      classname: `relative.${c.stageName}`, name: c.metric,
      kind: c.verdict === 'regression' ? 'failure' : c.verdict === 'unavailable' || c.verdict === 'inconclusive' || c.verdict === 'suspect' ? 'skipped' : 'pass',
      message: `${c.verdict}: ${c.reason}`,
    }))));
  }
  if (r.thresholds.length) {
    suites.push(suite('thresholds', r.thresholds.map((t) => ({
      classname: `thresholds.${t.stageName}`, name: t.expr,
      kind: t.outcome === 'fail' ? (t.functional ? 'error' : 'failure') : t.outcome === 'pass' ? 'pass' : 'skipped',
      message: `${t.outcome}: ${t.message}`,
    }))));
  }
  const all = (attr: string): number => suites.reduce((a, s) => a + Number(new RegExp(`${attr}="(\\d+)"`).exec(s)![1]), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="gw-bench gate" tests="${all('tests')}" failures="${all('failures')}" errors="${all('errors')}" skipped="${all('skipped')}">\n${suites.join('\n')}\n</testsuites>\n`;
}

import type { CheckResult, ConformanceReport } from './runner.js';

/** `PASS name` or `FAIL name: reason`. */
export function checkLine(r: CheckResult): string {
  if (r.notImplemented || r.skipped) return `N/A  ${r.name}: ${r.reason}`;
  return r.ok ? `PASS ${r.name}` : `FAIL ${r.name}: ${r.reason ?? 'failed'}`;
}

/** The closing summary line. */
export function summaryLine(rep: ConformanceReport): string {
  const verdict = rep.ok ? 'conforms' : 'DOES NOT conform';
  const na = rep.notImplemented + rep.skipped;
  return `conformance: ${rep.passed} passed, ${rep.failed} failed${na ? `, ${rep.notImplemented} not implemented${rep.skipped ? `, ${rep.skipped} skipped` : ''}` : ''} of ${rep.checks.length} checks in ${(rep.durationMs / 1000).toFixed(1)} s; ${rep.url} ${verdict} to docs/gateway-contract.md`;
}

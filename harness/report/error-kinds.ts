/**
 * How error kinds in a result add up. The load generator records each HTTP error twice, as
 * its class (`http_5xx`, `unexpected_2xx`...) and as its exact status (`status_502`), and
 * records correct 401s to deliberately bad tokens as `expected_401`, which is not an error.
 * Only counted kinds are stacked or totalled, so nothing is counted twice.
 */

/** `status_502`: the exact status behind a class kind; a breakdown, never added to totals. */
export function isStatusBreakdown(kind: string): boolean {
  return /^status_\d+$/.test(kind);
}

/** `expected_401`: the answer the request mix asked for; shown, not an error. */
export function isExpected(kind: string): boolean {
  return kind.startsWith('expected_');
}

/** A real error kind that counts towards totals and stacks. */
export function isCounted(kind: string): boolean {
  return !isStatusBreakdown(kind) && !isExpected(kind);
}

/** Total of the counted kinds. */
export function countedTotal(errors: Record<string, number>): number {
  return Object.entries(errors).filter(([k]) => isCounted(k)).reduce((a, [, v]) => a + v, 0);
}

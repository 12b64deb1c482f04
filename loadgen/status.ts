import { statusAccepted } from './templates.js';

/**
 * How a response status counts. The scenario deliberately sends expired, badly signed and
 * missing tokens: for those requests 401 is the correct answer (`expected_401`, not an
 * error) and a 2xx means the gateway let a bad token through (`unexpected_2xx`, an error).
 * Returns null for a correct success.
 */
export function classifyStatus(status: number, expect401: boolean, expectStatus: ReadonlyArray<number | string> | null = null): string | null {
  // A request's own expected statuses (k6-check style) replace the contract rule.
  if (expectStatus !== null) return statusAccepted(status, expectStatus) ? null : 'unexpected_status';
  if (status >= 200 && status < 300) return expect401 ? 'unexpected_2xx' : null;
  if (status === 401 && expect401) return 'expected_401';
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return 'http_3xx';
}

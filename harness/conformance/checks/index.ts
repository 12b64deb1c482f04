import type { Check } from '../check.js';
import { authChecks } from './auth.js';
import { basicChecks } from './basic.js';
import { faultChecks } from './faults.js';
import { feedChecks } from './feed.js';
import { interactChecks } from './interact.js';
import { limitChecks } from './limits.js';
import { proxyChecks } from './proxy.js';
import { optionalChecks } from './optional.js';

/** Every check in run order; the breaker runs last because a broken breaker would poison what follows. */
export const ALL_CHECKS: readonly Check[] = [
  ...basicChecks,
  ...proxyChecks.slice(0, 1), // auth-valid first: if no token works, every later failure is explained by it
  ...feedChecks,
  ...proxyChecks.slice(1),
  ...interactChecks,
  ...authChecks,
  ...limitChecks,
  ...optionalChecks,
  ...faultChecks,
];

import { setThresholdChecker } from '../../core/scenario/normalize.js';
import { parseThreshold } from './thresholds.js';

/**
 * Hook the gate's threshold parser into scenario validation, so `gw-bench validate` and
 * every command that loads a scenario report a bad expression (with its path) before
 * measuring. Importing this module is enough.
 */
setThresholdChecker((expr, field) => { parseThreshold(expr, field); });

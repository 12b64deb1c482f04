/**
 * Entry of the reference gateway when the harness starts it (`run`, `conformance`, the
 * accuracy rig): the same program as `gw-bench gateway` with no flags (configured by the
 * contract's GW_* environment), without loading the CLI.
 */
import { runEntry } from '../../../core/processes/entry.js';
import { runGateway } from '../../../gateway/run.js';

runEntry('gateway', () => runGateway({ file: null, overrides: {} }));

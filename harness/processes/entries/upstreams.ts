/**
 * Entry of the mock upstreams when the harness starts them: the config (the upstream
 * config file format, as JSON) comes in GWB_UPSTREAMS_CONFIG and is validated here, at the
 * edge; the process prints its ready line and runs until SIGTERM like `gw-bench upstream`.
 */
import { runEntry } from '../../../core/processes/entry.js';
import { validateConfig } from '../../../upstream/config.js';
import { runUpstreamProcess } from '../../../upstream/process.js';

runEntry('mock upstreams', () => runUpstreamProcess(validateConfig(JSON.parse(process.env.GWB_UPSTREAMS_CONFIG ?? '{}') as unknown, 'GWB_UPSTREAMS_CONFIG')));

/**
 * Entry of the reference gateway when the harness starts it (`run`, `conformance`, the
 * accuracy and reliability rigs): the same program as `gw-bench gateway`, configured by the
 * contract's GW_* environment, without loading the CLI. `--config FILE` (the one flag it
 * takes) adds a config file, watched for hot reload as `gw-bench gateway --config` does.
 */
import { runEntry } from '../../../core/processes/entry.js';
import { UsageError } from '../../../core/errors.js';
import { runGateway } from '../../../gateway/run.js';

function configFile(argv: readonly string[]): string | null {
  if (argv.length === 0) return null;
  if (argv.length === 2 && argv[0] === '--config') return argv[1]!;
  throw new UsageError(`gateway entry: unexpected arguments ${JSON.stringify(argv)} (only --config FILE)`);
}

runEntry('gateway', async () => runGateway({ file: configFile(process.argv.slice(2)), overrides: {} }));

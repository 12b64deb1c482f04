import { buildCli } from './cli.js';
import { reportError } from './report-error.js';

/** Entry point of the `gw-bench` binary. */
const verbose = process.argv.includes('--verbose');
try {
  await buildCli(process.argv.slice(2)).parseAsync();
} catch (err) {
  process.exitCode = reportError(err, verbose);
}

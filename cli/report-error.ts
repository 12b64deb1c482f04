import { GwBenchError, exitCodeOf } from '../core/errors.js';

/**
 * Print an error the way users see it: one line (plus one line per detail, such as each
 * validation problem), a stack trace only with --verbose. Returns the exit code.
 */
export function reportError(err: unknown, verbose: boolean, write: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (err instanceof GwBenchError) {
    write(`gw-bench: ${err.message} [${err.code}]\n`);
    for (const d of err.details) write(`  ${d}\n`);
    if (verbose && err.stack) write(`${err.stack}\n`);
    if (verbose && err.cause) write(`caused by: ${err.cause instanceof Error ? err.cause.stack : String(err.cause)}\n`);
  } else {
    const msg = err instanceof Error ? err.message : String(err);
    write(`gw-bench: internal error: ${msg.split('\n')[0]} [GW_ERR_INTERNAL]${verbose ? '' : ' (run with --verbose for details)'}\n`);
    if (verbose && err instanceof Error && err.stack) write(`${err.stack}\n`);
  }
  return exitCodeOf(err);
}

import { GwBenchError, exitCodeOf } from '../errors.js';

/**
 * Run the main function of a process entry (gateway, gateway worker, mock upstreams) that
 * the harness starts directly instead of through the CLI: an error becomes the same one
 * line plus details the CLI prints, and the exit code its code maps to.
 */
export function runEntry(what: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof GwBenchError) {
      process.stderr.write(`gw-bench: ${err.message} [${err.code}]\n${err.details.map((d) => `  ${d}\n`).join('')}`);
    } else {
      process.stderr.write(`gw-bench: internal error in ${what}: ${err instanceof Error ? err.stack : String(err)}\n`);
    }
    process.exit(exitCodeOf(err));
  });
}

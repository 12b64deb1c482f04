/**
 * Runs a Node program under Clinic Doctor and renders doctor.html next to the result:
 * `node doctor-runner.js <outDir> <node> <script> [args...]`. SIGTERM (sent by the
 * harness to the whole process group) stops the program; this runner waits for it,
 * then renders, so the report exists when the harness's teardown finishes.
 */
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const ClinicDoctor = require('@clinic/doctor') as new (opts: Record<string, unknown>) => {
  collect(args: string[], cb: (err: Error | null, dir: string) => void): void;
  visualize(dir: string, out: string, cb: (err: Error | null) => void): void;
};

const [outDir, ...args] = process.argv.slice(2);
if (!outDir || args.length === 0) {
  process.stderr.write('usage: doctor-runner <outDir> <node> <script> [args...]\n');
  process.exit(2);
}
// The program gets the signal from the group kill; we stay to render the report.
process.on('SIGTERM', () => undefined);
process.on('SIGINT', () => undefined);
const doctor = new ClinicDoctor({ dest: join(outDir, '.clinic'), sampleInterval: 10 });
doctor.collect(args, (err, dataDir) => {
  if (err) process.stderr.write(`clinic doctor: ${err.message}\n`);
  const out = join(outDir, 'doctor.html');
  doctor.visualize(dataDir, out, (verr) => {
    if (verr) { process.stderr.write(`clinic doctor: could not render: ${verr.message}\n`); process.exit(1); }
    rmSync(join(outDir, '.clinic'), { recursive: true, force: true }); // raw samples; the HTML holds what matters
    process.stdout.write(`clinic doctor report: ${out}\n`);
    process.exit(0);
  });
});

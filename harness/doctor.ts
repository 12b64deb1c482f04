import { join } from 'node:path';
import { PACKAGE_ROOT } from '../core/version.js';
import type { ImplInfo } from './processes/impls.js';

/**
 * `--doctor`: start the reference gateway under Clinic Doctor (@clinic/doctor) through a
 * small runner process, which writes doctor.html into the run folder when the gateway
 * stops. Doctor injects `no-cluster`, so the gateway runs as one process.
 */
export function doctorWrap(impl: ImplInfo, dir: string): { cmd: string; args: string[] } {
  return { cmd: process.execPath, args: [join(PACKAGE_ROOT, 'dist', 'harness', 'doctor-runner.js'), dir, impl.run.cmd, ...impl.run.args] };
}

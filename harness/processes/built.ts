import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ImplInfo } from './impls.js';

/**
 * What each baseline's run.sh needs its build.sh to have made (run.sh refuses to start
 * without it). Checked before starting, so a benchmark over every baseline can skip the
 * ones not built with the reason, instead of building a JVM project for minutes or
 * starting a script that exits at once.
 */
const ARTIFACTS: Record<string, { what: string; present: (dir: string) => boolean }> = {
  'go-nethttp': { what: 'bin/go-nethttp', present: (d) => existsSync(join(d, 'bin', 'go-nethttp')) },
  'java-spring-cloud-gateway': { what: 'target/*.jar', present: (d) => existsSync(join(d, 'target')) && readdirSync(join(d, 'target')).some((f) => f.endsWith('.jar')) },
  'python-fastapi': { what: '.venv/bin/python', present: (d) => existsSync(join(d, '.venv', 'bin', 'python')) },
  nginx: { what: 'an nginx binary on PATH', present: () => (process.env['PATH'] ?? '').split(delimiter).some((p) => p && existsSync(join(p, 'nginx'))) },
};

/**
 * Why an implementation cannot start as it is (not built), or null when it can, or when
 * gw-bench does not know what its build makes (then starting it is the check).
 */
export function notBuiltReason(impl: ImplInfo): string | null {
  if (!impl.dir) return null; // the reference gateway is compiled with gw-bench itself
  const a = ARTIFACTS[impl.name];
  if (!a || a.present(impl.dir)) return null;
  return `not built: ${a.what} is missing (run ${impl.build ?? join(impl.dir, 'build.sh')})`;
}

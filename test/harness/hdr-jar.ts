import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';

/** HdrHistogram's own Java library, the reference reader of .hlog files (Maven Central). */
export const HDR_VERSION = '2.2.2';
export const HDR_JAR_DIR = join(PACKAGE_ROOT, '.cache', 'hdrhistogram');
export const HDR_JAR = join(HDR_JAR_DIR, `HdrHistogram-${HDR_VERSION}.jar`);

export const hasCommand = (cmd: string, arg = '-version'): boolean => spawnSync(cmd, [arg], { stdio: 'ignore' }).status === 0;

/**
 * The jar, fetched with Maven into the git-ignored .cache/ when missing (.ci/run fetches it
 * before the tests). Throws with what to run when it cannot be had.
 */
export function ensureHdrJar(): string {
  if (existsSync(HDR_JAR)) return HDR_JAR;
  const how = `mvn -q dependency:copy -Dartifact=org.hdrhistogram:HdrHistogram:${HDR_VERSION} -DoutputDirectory=${HDR_JAR_DIR}`;
  if (!hasCommand('mvn', '-v')) throw new Error(`${HDR_JAR} is missing and Maven is not installed: install maven, or run: ${how}`);
  mkdirSync(HDR_JAR_DIR, { recursive: true });
  const r = spawnSync('mvn', ['-q', 'dependency:copy', `-Dartifact=org.hdrhistogram:HdrHistogram:${HDR_VERSION}`, `-DoutputDirectory=${HDR_JAR_DIR}`], { encoding: 'utf8', timeout: 180_000 });
  if (!existsSync(HDR_JAR)) throw new Error(`could not fetch HdrHistogram ${HDR_VERSION} (${how}): exit ${r.status}\n${r.stdout}${r.stderr}`);
  return HDR_JAR;
}

import { writeFile, rename } from 'node:fs/promises';
import type { UpstreamConfig } from './config.js';
import { startUpstreams, type UpstreamSet } from './set.js';

/** What `gw-bench upstream` prints (one JSON line on stdout) and writes to --ready-file once every port listens. */
export interface ReadyInfo {
  ready: true;
  pid: number;
  adminUrl: string;
  adminPort: number;
  services: Record<string, { ports: number[]; urls: string[] }>;
}

/** ReadyInfo of a running set. */
export function readyInfo(set: UpstreamSet): ReadyInfo {
  const services: ReadyInfo['services'] = {};
  for (const [name, s] of Object.entries(set.services)) services[name] = { ports: s.instances.map((i) => i.port), urls: s.urls };
  return { ready: true, pid: process.pid, adminUrl: set.adminUrl, adminPort: set.adminPort, services };
}

/**
 * Run the upstreams as a long-lived process: start, announce readiness (stdout line and
 * optional ready file, written atomically), then close cleanly on SIGTERM/SIGINT.
 */
export async function runUpstreamProcess(config: UpstreamConfig, opts: { readyFile?: string; write?: (line: string) => void } = {}): Promise<void> {
  const set = await startUpstreams(config);
  const info = readyInfo(set);
  const line = JSON.stringify(info);
  if (opts.readyFile) {
    // Write then rename so a poller never reads a half-written file.
    const tmp = `${opts.readyFile}.${process.pid}.tmp`;
    await writeFile(tmp, `${line}\n`);
    await rename(tmp, opts.readyFile);
  }
  (opts.write ?? ((s: string) => process.stdout.write(s)))(`${line}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void set.close().then(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

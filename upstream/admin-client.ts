import { TargetError } from '../core/errors.js';
import { controlParams, type ControlCommand, type ControlResult } from './controls.js';
import type { UpstreamStats } from './stats.js';

/** The operations the harness and conformance need, whether the upstreams run in-process or elsewhere. */
export interface UpstreamControl {
  readonly adminUrl: string;
  stats(): UpstreamStats | Promise<UpstreamStats>;
  control(cmd: ControlCommand): Promise<ControlResult>;
}

/** Talks to a running `gw-bench upstream` through its admin port. */
export class UpstreamAdminClient implements UpstreamControl {
  readonly adminUrl: string;

  constructor(adminUrl: string) {
    this.adminUrl = adminUrl.replace(/\/+$/, '');
  }

  /** GET /__admin/stats. */
  async stats(): Promise<UpstreamStats> {
    return (await this.call('GET', 'stats')) as UpstreamStats;
  }

  /** POST /__admin/<action> with the command's parameters as JSON. */
  async control(cmd: ControlCommand): Promise<ControlResult> {
    return (await this.call('POST', cmd.action, controlParams(cmd))) as ControlResult;
  }

  private async call(method: string, name: string, body?: unknown): Promise<unknown> {
    const url = `${this.adminUrl}/__admin/${name}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new TargetError('GW_ERR_TARGET_UNREACHABLE', `mock upstream admin ${url} is unreachable: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) throw new TargetError('GW_ERR_TARGET_UNREACHABLE', `mock upstream admin ${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  }
}

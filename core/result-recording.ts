/** Parts of result.json about how a run was made rather than what it measured (see core/result.ts). */

/** `target.warmup` as it was run: load before the first stage, counted in no stage (docs/metrics.md). */
export interface TargetWarmup {
  durationMs: number;
  rps: number;
  connections: number;
  requests: number;
  errors: number;
  /** null when no request was made. */
  errorRate: number | null;
}

/**
 * How a result was recorded by `gw-bench baseline record`: every implementation recorded by
 * one `--all` invocation shares the sitting id, so a table can say which cells belong
 * together. The commit and tree state are `env.gitSha` / `env.gitDirty`.
 */
export interface RunRecording {
  /** One id per `baseline record` invocation (shared by every implementation of `--all`). */
  sittingId: string;
  /** Position in the sitting (1-based) and how many implementations it recorded. */
  order: number;
  of: number;
  /** Wall time of this implementation's recording, build and start-up included. */
  wallSeconds: number;
}

/**
 * The gateway under test as it ran a stage. `auto` sizing gives each stage the fewest
 * processes that hold its connections under the open-files limit; `fixed`: the user's
 * number (or a single-process implementation); `external`: not started by gw-bench, so
 * its process count is not known (workers null).
 */
export interface StageTarget {
  workers: number | null;
  sizing: 'auto' | 'fixed' | 'external';
  /** True when gw-bench restarted the target with a new process count before this stage. */
  restarted: boolean;
}

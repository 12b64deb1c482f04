import { isAbsolute, join, relative } from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../../core/errors.js';
import type { TargetCommandSpec } from '../../core/scenario/types.js';
import { buildCommandTarget } from '../processes/command.js';
import { addDetachedWorktree, resolveRef } from './worktree.js';
import type { TrialTarget } from './trial-runner.js';

/**
 * The relative gate for a team's own gateway (`target.command`): the base is a temporary
 * `git worktree` of the user's repository (the one the current directory is in) at
 * `--base-ref`; `target.build` runs once there and once in the working tree, and the
 * trials start `target.command` from the matching folder of each. The working tree is
 * never touched; the worktree is removed in cleanup().
 */

export interface UserBase {
  sha: string;
  dir: string;
  targets: { base: TrialTarget; candidate: TrialTarget };
  cleanup: () => Promise<void>;
}

/** Root of the git repository `cwd` is in; a usage error when it is not in one. */
export async function repoRoot(cwd: string): Promise<string> {
  const r = await execa('git', ['-C', cwd, 'rev-parse', '--show-toplevel'], { reject: false });
  if (r.exitCode !== 0) throw new UsageError(`--base-ref: ${cwd} is not inside a git repository (run the gate from your gateway's repository)`);
  return r.stdout.trim();
}

/** Check out `ref` of the repository around `cwd`, build both revisions, and return the two trial targets. */
export async function prepareUserBase(opts: { cwd: string; ref: string; spec: TargetCommandSpec; log?: (line: string) => void; signal?: AbortSignal }): Promise<UserBase> {
  const log = opts.log ?? (() => {});
  const root = await repoRoot(opts.cwd);
  const sub = relative(root, opts.spec.cwd);
  if (sub.startsWith('..') || isAbsolute(sub)) throw new UsageError(`--base-ref: target.cwd ${opts.spec.cwd} is outside the repository ${root}, so the base revision cannot provide it`);
  const sha = await resolveRef(root, opts.ref);
  const { dir, cleanup } = await addDetachedWorktree(root, sha, `${opts.ref} of ${root}`, log);
  try {
    const baseCwd = join(dir, sub);
    if (opts.spec.build) {
      log(`base: ${opts.spec.build} (in ${baseCwd})`);
      await buildCommandTarget(opts.spec, baseCwd, undefined, opts.signal);
      log(`candidate: ${opts.spec.build} (in ${opts.spec.cwd})`);
      await buildCommandTarget(opts.spec, opts.spec.cwd, undefined, opts.signal);
    }
    return {
      sha, dir, cleanup,
      targets: { base: { impl: 'command', cwd: baseCwd, skipBuild: true }, candidate: { impl: 'command', skipBuild: true } },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

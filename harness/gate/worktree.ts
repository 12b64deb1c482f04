import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { TargetError, UsageError } from '../../core/errors.js';

/**
 * The base of a relative gate as a git ref: a temporary `git worktree` at that commit,
 * installed and built there, whose gateway the harness starts through `target.command`.
 * The working tree is never touched; the worktree is removed in cleanup().
 */

export interface BaseWorktree {
  ref: string;
  sha: string;
  dir: string;
  /** How to start this revision's reference gateway (RunOptions.target.command). */
  command: { cmd: string; args: string[]; cwd: string };
  /** How dependencies were installed: a fresh `npm ci`, or a link to the checkout's node_modules. */
  installed: 'ci' | 'link';
  cleanup: () => Promise<void>;
}

export interface WorktreeOptions {
  /** The git checkout (its root). */
  repo: string;
  ref: string;
  /**
   * 'ci' = `npm ci` (which also builds via `prepare`); 'link' = symlink the checkout's
   * node_modules; 'auto' = link when package-lock.json is byte-identical, else ci.
   */
  install: 'auto' | 'ci' | 'link';
  log?: (line: string) => void;
  /** Entry the gateway is started from, relative to the worktree. */
  entry?: string;
  signal?: AbortSignal;
}

async function same(a: string, b: string): Promise<boolean> {
  try { return (await readFile(a)).equals(await readFile(b)); } catch { return false; }
}

/** Resolve a ref to a commit sha, or throw a UsageError naming it (exit 2, before measuring). */
export async function resolveRef(repo: string, ref: string): Promise<string> {
  const r = await execa('git', ['-C', repo, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { reject: false });
  if (r.exitCode !== 0 || !r.stdout.trim()) throw new UsageError(`--base-ref: "${ref}" is not a commit in ${repo} (fetch it first, e.g. git fetch origin main)`);
  return r.stdout.trim();
}

/**
 * `git worktree add --detach` of `sha` into a new temp folder; cleanup() removes it (and
 * the folder) again and is safe to call whether or not the add succeeded.
 */
export async function addDetachedWorktree(repo: string, sha: string, ref: string, log: (line: string) => void): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gw-bench-base-'));
  let added = false;
  const cleanup = async (): Promise<void> => {
    if (added) await execa('git', ['-C', repo, 'worktree', 'remove', '--force', dir], { reject: false });
    await rm(dir, { recursive: true, force: true });
    await execa('git', ['-C', repo, 'worktree', 'prune'], { reject: false });
  };
  log(`base: git worktree add ${dir} ${sha.slice(0, 12)} (${ref})`);
  const add = await execa('git', ['-C', repo, 'worktree', 'add', '--detach', dir, sha], { reject: false, all: true });
  if (add.exitCode !== 0) {
    await cleanup();
    throw new TargetError('GW_ERR_BUILD_FAILED', `git worktree add failed for ${ref}: ${String(add.all).trim().split('\n').at(-1)}`);
  }
  added = true;
  return { dir, cleanup };
}

/** Create, install and build a worktree at `ref`. On any failure the worktree is removed again. */
export async function prepareBaseWorktree(opts: WorktreeOptions): Promise<BaseWorktree> {
  const log = opts.log ?? (() => {});
  const sha = await resolveRef(opts.repo, opts.ref);
  const { dir, cleanup } = await addDetachedWorktree(opts.repo, sha, opts.ref, log);
  try {
    const lockSame = await same(join(opts.repo, 'package-lock.json'), join(dir, 'package-lock.json'));
    const canLink = lockSame && existsSync(join(opts.repo, 'node_modules'));
    const installed: 'ci' | 'link' = opts.install === 'link' || (opts.install === 'auto' && canLink) ? 'link' : 'ci';
    if (installed === 'link') {
      if (!existsSync(join(opts.repo, 'node_modules'))) throw new UsageError(`--base-install link: ${opts.repo}/node_modules does not exist`);
      log(`base: linking node_modules${lockSame ? ' (package-lock.json identical)' : ' (forced; lock files differ)'}`);
      await symlink(join(opts.repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
    } else {
      log('base: npm ci');
      const ci = await execa('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, reject: false, all: true, cancelSignal: opts.signal });
      if (ci.exitCode !== 0) throw new TargetError('GW_ERR_BUILD_FAILED', `npm ci failed at ${opts.ref}`, String(ci.all).trim().split('\n').slice(-5));
    }
    log('base: npm run build');
    const build = await execa('npm', ['run', 'build'], { cwd: dir, reject: false, all: true, cancelSignal: opts.signal });
    const entry = opts.entry ?? join('bin', 'gw-bench.js');
    // tsc emits even when some file has type errors; what matters is that the CLI was built.
    const built = existsSync(join(dir, 'dist', 'cli', 'main.js')) || !entry.endsWith('gw-bench.js');
    if (build.exitCode !== 0 && !built) throw new TargetError('GW_ERR_BUILD_FAILED', `npm run build failed at ${opts.ref}`, String(build.all).trim().split('\n').slice(-5));
    if (build.exitCode !== 0) log(`base: warning: npm run build exited ${build.exitCode} but emitted dist/ (type errors?); continuing`);
    if (!existsSync(join(dir, entry))) throw new TargetError('GW_ERR_BUILD_FAILED', `${opts.ref} has no ${entry}`);
    return { ref: opts.ref, sha, dir, installed, cleanup, command: { cmd: process.execPath, args: [join(dir, entry), 'gateway'], cwd: dir } };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

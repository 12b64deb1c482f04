import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { GwBenchError } from '../../core/errors.js';
import { prepareBaseWorktree } from '../../harness/gate/worktree.js';

/**
 * The --base-ref machinery on a throw-away git repository whose "build" is a one-line
 * node script: the worktree is at the ref (not the working tree), built, and removed.
 */

let repo: string;
const git = (...args: string[]) => execa('git', ['-C', repo, ...args]);

before(async () => {
  repo = await mkdtemp(join(tmpdir(), 'gwb-gate-wt-'));
  await git('init', '-q');
  await git('config', 'user.email', 't@example.invalid');
  await git('config', 'user.name', 'test');
  await mkdir(join(repo, 'bin'));
  await writeFile(join(repo, 'bin', 'gw-bench.js'), '// launcher\n');
  await writeFile(join(repo, '.gitignore'), 'node_modules/\ndist/\n');
  await writeFile(join(repo, 'package-lock.json'), '{"lockfileVersion":3}\n');
  const build = "require('fs').mkdirSync('dist/cli',{recursive:true});require('fs').writeFileSync('dist/cli/main.js',require('fs').readFileSync('version.txt'))";
  await writeFile(join(repo, 'package.json'), JSON.stringify({ name: 'wt-fixture', version: '1.0.0', private: true, scripts: { build: `node -e "${build}"` } }));
  await writeFile(join(repo, 'version.txt'), 'base\n');
  await git('add', '.');
  await git('commit', '-q', '-m', 'base');
  await git('tag', 'v-base');
  await writeFile(join(repo, 'version.txt'), 'candidate\n');
  await git('commit', '-q', '-am', 'candidate');
  await writeFile(join(repo, 'version.txt'), 'dirty working tree\n');
  await mkdir(join(repo, 'node_modules'));
});
after(async () => { await rm(repo, { recursive: true, force: true }); });

test('worktree at the ref, node_modules linked (same lock file), built, then removed', async () => {
  const lines: string[] = [];
  const wt = await prepareBaseWorktree({ repo, ref: 'v-base', install: 'auto', log: (l) => lines.push(l) });
  try {
    assert.equal(wt.sha, (await git('rev-parse', 'v-base')).stdout.trim());
    assert.equal(readFileSync(join(wt.dir, 'version.txt'), 'utf8'), 'base\n', 'the base revision, not the working tree');
    assert.equal(readFileSync(join(wt.dir, 'dist', 'cli', 'main.js'), 'utf8'), 'base\n', 'built in the worktree');
    assert.equal(wt.installed, 'link');
    assert.ok((await lstat(join(wt.dir, 'node_modules'))).isSymbolicLink());
    assert.deepEqual(wt.command, { cmd: process.execPath, args: [join(wt.dir, 'bin', 'gw-bench.js'), 'gateway'], cwd: wt.dir });
    assert.match((await git('worktree', 'list')).stdout, new RegExp(wt.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.ok(lines.some((l) => /npm run build/.test(l)));
  } finally {
    await wt.cleanup();
  }
  assert.equal(existsSync(wt.dir), false);
  assert.equal((await git('worktree', 'list')).stdout.trim().split('\n').length, 1);
  assert.equal(readFileSync(join(repo, 'version.txt'), 'utf8'), 'dirty working tree\n', 'the working tree is untouched');
});

test('an unknown ref is a usage error (exit 2) and leaves nothing behind', async () => {
  await assert.rejects(prepareBaseWorktree({ repo, ref: 'no-such-ref', install: 'auto' }), (e: unknown) => {
    assert.ok(e instanceof GwBenchError);
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /--base-ref: "no-such-ref" is not a commit/);
    return true;
  });
  assert.equal((await git('worktree', 'list')).stdout.trim().split('\n').length, 1);
});

test('a build that produces no CLI is a build failure (exit 4) and the worktree is removed', async () => {
  await writeFile(join(repo, 'package.json'), JSON.stringify({ name: 'wt-fixture', version: '1.0.0', private: true, scripts: { build: 'node -e "process.exit(3)"' } }));
  await git('commit', '-q', '-am', 'broken build');
  await assert.rejects(prepareBaseWorktree({ repo, ref: 'HEAD', install: 'link' }), (e: unknown) => {
    assert.ok(e instanceof GwBenchError);
    assert.equal(e.code, 'GW_ERR_BUILD_FAILED');
    assert.equal(e.exitCode, 4);
    return true;
  });
  assert.equal((await git('worktree', 'list')).stdout.trim().split('\n').length, 1);
});

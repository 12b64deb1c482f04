import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GO, OURS, REPO, SPRING } from './fixtures.js';

/** Run the real binary; resolves with exit code and output (never rejects on a non-zero exit). */
function gwBench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO, 'bin/gw-bench.js'), ...args], { cwd: REPO, timeout: 50_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('gw-bench compare / report commands', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'gwb-report-cli-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('compare: missing file -> exit 2, one line naming the file', async () => {
    const missing = join(dir, 'nope.json');
    const r = await gwBench(['compare', OURS, missing, '--out', join(dir, 'x')]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `gw-bench: ${missing}: no such file [GW_ERR_RESULT_INVALID]\n`);
  });

  it('compare: wrong number of labels -> exit 2', async () => {
    const r = await gwBench(['compare', OURS, GO, '--labels', 'a,b,c', '--out', join(dir, 'x')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--labels: 3 label\(s\) \(a,b,c\) for 2 file\(s\)/);
  });

  it('compare: labels, primary, environment warning, report written', async () => {
    const out = join(dir, 'cmp');
    const r = await gwBench(['compare', OURS, GO, SPRING, '--labels', 'ours,go,spring', '--primary', 'go', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^compared ours, go \(ours\), spring\n/);
    assert.match(r.stderr, /^warning: environment differs \(CPU model, cores, kernel, node, placement gateway, placement upstreams, fd limit, git sha\)/);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    assert.match(html, /<h3>go \/ ours<\/h3>/);
    assert.match(html, /<h3>go \/ spring<\/h3>/);
  });

  it('report: re-renders a run folder with the results listed in compare.json', async () => {
    const run = join(dir, 'run');
    await (await import('node:fs/promises')).mkdir(run);
    await copyFile(OURS, join(run, 'result.json'));
    await writeFile(join(run, 'compare.json'), JSON.stringify([{ label: 'go-recorded', file: GO }, { label: null, file: SPRING }]));
    const r = await gwBench(['report', run]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`report: ${join(run, 'report.html')}`));
    const md = await readFile(join(run, 'report.md'), 'utf8');
    assert.match(md, /^# gw-bench comparison: ts-ref vs go-recorded vs spring/);
    assert.match(md, /### ts-ref \/ go-recorded/);
    // Naming the result.json instead of its folder renders the same folder.
    const again = await gwBench(['report', join(run, 'result.json'), '--out', join(dir, 'again')]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(await readFile(join(dir, 'again', 'report.md'), 'utf8'), /### ts-ref \/ spring/);
  });

  it('report: folder without result.json, or a bad compare.json -> exit 2', async () => {
    const empty = join(dir, 'empty');
    await (await import('node:fs/promises')).mkdir(empty);
    const r1 = await gwBench(['report', empty]);
    assert.equal(r1.code, 2);
    assert.equal(r1.stderr, `gw-bench: ${join(empty, 'result.json')}: no such file [GW_ERR_RESULT_INVALID]\n`);
    await copyFile(OURS, join(empty, 'result.json'));
    await writeFile(join(empty, 'compare.json'), JSON.stringify([{ label: '', file: 3 }]));
    const r2 = await gwBench(['report', empty]);
    assert.equal(r2.code, 2);
    assert.equal(r2.stderr, `gw-bench: ${join(empty, 'compare.json')}: 2 problem(s) [GW_ERR_RESULT_INVALID]\n  [0].label: "" is not a non-empty string (or null)\n  [0].file: 3 is not a non-empty string\n`);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { currentTable, recordedTable, replaceTable, TABLE_BEGIN, TABLE_END } from '../../harness/report/recorded-table.js';
import { REPO } from './fixtures.js';

/**
 * README's recorded-results table is generated from baselines/recorded/*.json: it must be
 * exactly what the files say today, old files (schemaVersion 1) included, with every cell
 * that is not a result marked and explained once.
 */
const RECORDED = join(REPO, 'baselines', 'recorded');

function gwBench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO, 'bin/gw-bench.js'), ...args], { cwd: REPO, timeout: 50_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('README recorded-results table', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'gwb-table-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('README.md holds exactly the table the recorded files give (run gw-bench baseline table --write README.md)', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');
    assert.equal(currentTable(readme), await recordedTable(RECORDED));
  });

  it('renders the old files: every implementation a column, invalid and not-reached cells marked and explained once', async () => {
    const t = await recordedTable(RECORDED);
    for (const impl of ['reference', 'go-nethttp', 'java-spring-cloud-gateway', 'python-fastapi']) assert.match(t, new RegExp(`\\| ${impl} `));
    assert.match(t, /\| 1k \| 33\.7 ms \| 17\.3 ms \| 379 ms, 38\.5% errors \| 61\.3 ms \|/);
    assert.match(t, /\| 50k \| invalid\* \(305 ms\) \|/);
    assert.match(t, /not reached\*/);
    const notReached = t.split('\n').filter((l) => /^- java-spring-cloud-gateway @ 25k, 50k, 100k: not reached: /.test(l));
    assert.equal(notReached.length, 1, 'the not-reached reason is listed once for every chart and metric');
    assert.match(t, /result schemaVersion 1/);
    assert.match(t, /\*\*CPU per request\*\*: no figure in these results; CPU per request not recorded \(schemaVersion 1 result\)/);
  });

  it('baseline table --check fails when the README differs from the files, --write fixes it', async () => {
    const rec = join(dir, 'recorded');
    await mkdir(rec);
    for (const f of await readdir(RECORDED)) await copyFile(join(RECORDED, f), join(rec, f));
    const readme = join(dir, 'README.md');
    await writeFile(readme, `# x\n\n${await recordedTable(RECORDED)}\n\ntail\n`);
    assert.equal((await gwBench(['baseline', 'table', '--dir', rec, '--check', readme])).code, 0);
    // One recorded figure changes: the table no longer matches.
    const go = JSON.parse(await readFile(join(rec, 'go-nethttp.feed.json'), 'utf8'));
    go.stages[0].latencyMs.p99 = 18.5;
    await writeFile(join(rec, 'go-nethttp.feed.json'), JSON.stringify(go));
    const check = await gwBench(['baseline', 'table', '--dir', rec, '--check', readme]);
    assert.equal(check.code, 1, check.stdout);
    assert.match(check.stdout, /differs from the recorded files/);
    const w = await gwBench(['baseline', 'table', '--dir', rec, '--write', readme]);
    assert.equal(w.code, 0, w.stderr);
    const text = await readFile(readme, 'utf8');
    assert.match(text, /\| 1k \| 33\.7 ms \| 18\.5 ms \|/);
    assert.ok(text.startsWith('# x\n\n') && text.endsWith('\n\ntail\n'), 'only the block between the markers changes');
  });

  it('a file without the markers is an error naming the file and the markers', () => {
    assert.throws(() => replaceTable('# no markers\n', `${TABLE_BEGIN}\n${TABLE_END}`, 'X.md'), (e: Error) => /X\.md: no recorded-results markers/.test(e.message));
  });
});

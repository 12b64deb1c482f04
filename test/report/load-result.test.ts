import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GwBenchError } from '../../core/errors.js';
import { loadResult } from '../../harness/report/load-result.js';
import { OURS } from './fixtures.js';

describe('loadResult', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'gwb-report-load-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  async function rejection(file: string): Promise<GwBenchError> {
    try {
      await loadResult(file);
    } catch (err) {
      assert.ok(err instanceof GwBenchError, String(err));
      assert.equal(err.code, 'GW_ERR_RESULT_INVALID');
      assert.equal(err.exitCode, 2);
      assert.ok(err.message.startsWith(`${file}: `), `message names the file: ${err.message}`);
      return err;
    }
    assert.fail(`${file} was accepted`);
  }

  it('reads a valid result', async () => {
    const r = await loadResult(OURS);
    assert.equal(r.target.impl, 'ts-ref');
    assert.equal(r.stages.length, 5);
  });

  it('missing file', async () => {
    const err = await rejection(join(dir, 'absent.json'));
    assert.match(err.message, /no such file$/);
  });

  it('not JSON', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"schemaVersion": 1,');
    assert.match((await rejection(file)).message, /not valid JSON/);
  });

  it('wrong schemaVersion', async () => {
    const file = join(dir, 'v99.json');
    await writeFile(file, JSON.stringify({ schemaVersion: 99, stages: [] }));
    assert.match((await rejection(file)).message, /schemaVersion is 99, this gw-bench reads version 1$/);
  });

  it('missing stage fields: every problem named with its path', async () => {
    const file = join(dir, 'partial.json');
    const doc = JSON.parse(await (await import('node:fs/promises')).readFile(OURS, 'utf8'));
    delete doc.stages[1].latencyMs;
    doc.stages[3].status = 'great';
    doc.stages[0].serviceHdr = 'HISTFAAAAnotreally';
    await writeFile(file, JSON.stringify(doc));
    const err = await rejection(file);
    assert.match(err.message, /3 problem\(s\)/);
    assert.equal(err.details.length, 3);
    assert.deepEqual(err.details.slice(0, 2), ['stages[1].latencyMs: missing', 'stages[3].status: "great" is not one of ok, invalid, not-reached, failed, interrupted']);
    assert.match(err.details[2]!, /^stages\[0\]\.serviceHdr: "HISTFAAAAnotreal\.\.\." is not a compressed base64 HdrHistogram/);
  });
});

describe('fixture files', () => {
  it('are exactly what make-fixtures.ts builds (regenerate with dist/test/fixtures/results/write-fixtures.js)', async () => {
    const { readFile } = await import('node:fs/promises');
    const { goFixture, oursFixture, springFixture } = await import('../fixtures/results/make-fixtures.js');
    const { GO, SPRING } = await import('./fixtures.js');
    assert.deepEqual(JSON.parse(await readFile(OURS, 'utf8')), oursFixture());
    assert.deepEqual(JSON.parse(await readFile(GO, 'utf8')), goFixture());
    assert.deepEqual(JSON.parse(await readFile(SPRING, 'utf8')), springFixture());
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../core/result.js';
import { ensureHdrJar, hasCommand } from './hdr-jar.js';
import { RunProcess } from './run-helpers.js';

/**
 * The interval logs a run writes are read by HdrHistogram's own Java HistogramLogProcessor
 * (2.2.2, without -tag) and agree with result.json: count exactly, mean and max to the
 * printed precision. Skipped, with the reason shown, only when no `java` is on PATH.
 */
const java = hasCommand('java');

test('HdrHistogram HistogramLogProcessor (Java) reads every stage log; count, mean and max match result.json', { timeout: 240_000, skip: java ? false : 'java is not on PATH: this interop test needs a JRE (CI has one)' }, async () => {
  const jar = ensureHdrJar();
  const dir = mkdtempSync(join(tmpdir(), 'gwb-hlog-java-'));
  const out = join(dir, 'run');
  const run = new RunProcess(['scenarios/smoke.yaml', '--quick', '--no-report', '--quiet', '--allow-invalid', '--out', out]);
  assert.equal(await run.exited, 0, run.stderr);
  const r = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  assert.equal(r.stages.length, 2);
  for (const s of r.stages) {
    assert.ok(s.hlog, `stage ${s.name} has an interval log`);
    const log = readFileSync(join(out, s.hlog), 'utf8');
    const start = /measurement starts at ([0-9.]+) s/.exec(log)?.[1];
    assert.ok(start, 'the header says where measurement starts');
    const base = join(dir, `hlp-${s.index}`);
    // -start skips the warm-up intervals; ratio 1000 prints µs values as ms, like result.json.
    const p = spawnSync('java', ['-cp', jar, 'org.HdrHistogram.HistogramLogProcessor', '-i', join(out, s.hlog), '-o', base, '-start', start, '-outputValueUnitRatio', '1000'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(p.status, 0, `HistogramLogProcessor failed on ${s.hlog}:\n${p.stdout}${p.stderr}`);
    assert.doesNotMatch(p.stderr, /Exception/, p.stderr);
    const hgrm = readFileSync(`${base}.hgrm`, 'utf8');
    const mean = Number(/#\[Mean\s*=\s*([0-9.]+),/.exec(hgrm)?.[1]);
    const max = Number(/#\[Max\s*=\s*([0-9.]+),/.exec(hgrm)?.[1]);
    const count = Number(/Total count\s*=\s*(\d+)\]/.exec(hgrm)?.[1]);
    assert.equal(count, s.latencyMs.count, `stage ${s.name}: count`);
    // printed with 3 decimals (µs resolution in ms)
    assert.ok(Math.abs(mean - s.latencyMs.mean) <= 0.0005 + 1e-9, `stage ${s.name}: mean ${mean} vs ${s.latencyMs.mean}`);
    assert.ok(Math.abs(max - s.latencyMs.max) <= 0.0005 + 1e-9, `stage ${s.name}: max ${max} vs ${s.latencyMs.max}`);
  }
  assert.deepEqual(run.survivors(), []);
});

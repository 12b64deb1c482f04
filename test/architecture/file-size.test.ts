import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';

/** Small files with one idea each: no source file over MAX_LINES, apart from the schemas and parsers below. */
const MAX_LINES = 300;
const SOURCE_DIRS = ['cli', 'core', 'harness', 'loadgen', 'gateway', 'upstream', 'scripts'];

/** Allowed to be longer: one schema or one parser is clearer whole than split. */
const EXEMPT: Record<string, string> = {
  'core/scenario/schema.ts': 'the scenario JSON Schema',
  'core/result-schema.ts': 'the result.json JSON Schema',
  'loadgen/response-parser.ts': 'the HTTP/1.1 response parser',
  'harness/prometheus.ts': 'the Prometheus text-format parser',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
    return /\.(ts|js|mjs|cjs)$/.test(e.name) ? [p] : [];
  });
}

test(`no source file is over ${MAX_LINES} lines (schemas and parsers listed as exemptions)`, () => {
  const files = SOURCE_DIRS.flatMap((d) => sources(join(PACKAGE_ROOT, d)));
  assert.ok(files.length > 100, `found ${files.length} source files`);
  const long = files
    .map((f) => ({ file: relative(PACKAGE_ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
    .filter((x) => x.lines > MAX_LINES && !(x.file in EXEMPT))
    .map((x) => `${x.file}: ${x.lines} lines`);
  assert.deepEqual(long, []);
});

test('every exemption names an existing file', () => {
  for (const f of Object.keys(EXEMPT)) assert.ok(existsSync(join(PACKAGE_ROOT, f)), `${f} (exempt: ${EXEMPT[f]}) does not exist`);
});

/**
 * Broken and hostile scenario files, each with the message `gw-bench validate` must give
 * (exit 2). Shared by test/security/input-limits.test.ts and scripts/reliability-report.ts,
 * so the figures in docs/reliability.md come from the same cases the tests assert.
 */

export interface HostileInput {
  readonly name: string;
  /** Built on demand: some are megabytes. */
  text(): string;
  /** What stderr must say. */
  readonly expect: RegExp;
}

const keys = (n: number): string => {
  const out: string[] = ['version: 1', 'name: big'];
  for (let i = 0; i < n; i++) out.push(`k${i}: ${i}`);
  return `${out.join('\n')}\n`;
};

/** Nine levels of nine aliases: 9^5 nodes from a few hundred bytes. */
const aliasBomb = (): string => [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
  'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
].join('\n');

export const HOSTILE_INPUTS: readonly HostileInput[] = [
  { name: '6 MB scenario with 400k keys', text: () => keys(400_000), expect: /bytes is above the input limit of 1048576 bytes/ },
  { name: '30k keys under the size limit', text: () => keys(30_000), expect: /more than 20000 keys and list items/ },
  { name: 'alias bomb', text: aliasBomb, expect: /YAML aliases expand to too many nodes/ },
  { name: '150 alias references', text: () => `version: 1\nname: x\na: &a 1\nl: [${Array(150).fill('*a').join(', ')}]\n`, expect: /more than 100 YAML aliases/ },
  { name: 'nesting 20k deep', text: () => '['.repeat(20_000), expect: /\(yaml\) \(line 1, column \d+\): YAML syntax/ },
  { name: 'nesting 100 deep (valid YAML)', text: () => `version: 1\nname: x\nd: ${'['.repeat(100)}${']'.repeat(100)}\n`, expect: /nesting deeper than 64 levels/ },
  { name: 'two documents', text: () => 'version: 1\nname: a\n---\nversion: 1\nname: b\n', expect: /holds 2 YAML documents \(separated by "---"\); a scenario is a single document/ },
  { name: 'empty file', text: () => '', expect: /is empty; a scenario is a YAML mapping of keys/ },
  { name: 'comments only', text: () => '# nothing here\n', expect: /is empty; a scenario is a YAML mapping of keys/ },
  { name: 'syntax error', text: () => 'version: 1\nname: x\nload:\n  stages: [1,\n  x: :\n', expect: /\(yaml\) \(line 5, column \d+\): YAML syntax/ },
  { name: 'tab indentation', text: () => 'version: 1\nload:\n\tstages: []\n', expect: /\(yaml\) \(line 3, column 1\): YAML syntax/ },
  { name: 'duplicate key', text: () => 'version: 1\nname: a\nname: b\n', expect: /duplicate key "name" \(line 3, column 1\)/ },
  { name: 'seed above 2^32', text: () => 'version: 1\nname: s\nrequests: [{ path: /x }]\nload: { seed: 4294967296, stages: [{ connections: 1, rate: 1/s }] }\n', expect: /load\.seed \(line 4\): 4294967296 is above 4294967295 \(seeds are 32-bit unsigned\)/ },
  { name: 'a list at the top', text: () => '- 1\n- 2\n', expect: /\(root\) \(line 1\): \[1,2\] must be object/ },
  { name: '5000 unknown keys', text: () => keys(5000), expect: /5002 problems[\s\S]*and 4952 more/ },
];

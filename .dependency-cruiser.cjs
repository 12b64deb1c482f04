/**
 * The layer map of docs/architecture.md, checked by test/architecture/layers.test.ts
 * (part of `npm test`): cli -> harness -> {loadgen, gateway, upstream} -> core. Imports
 * only go down the map; loadgen, gateway and upstream never import each other; scripts/
 * and test/ may import anything; no module cycles anywhere.
 */
const LAYERS = 'cli|harness|loadgen|gateway|upstream|core';
const above = (...names) => `^(${names.join('|')})/`;

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'a module cycle (also through type-only imports) makes the load order and the layering unclear', from: {}, to: { circular: true } },
    { name: 'no-folder-cycles', severity: 'error', scope: 'folder', comment: 'two folders that import each other are one role split in two (e.g. http/ and handlers/ once)', from: {}, to: { circular: true } },
    { name: 'core-imports-no-layer', severity: 'error', comment: 'core/ is the bottom layer', from: { path: '^core/' }, to: { path: above('cli', 'harness', 'loadgen', 'gateway', 'upstream', 'scripts', 'test') } },
    { name: 'loadgen-imports-only-core', severity: 'error', from: { path: '^loadgen/' }, to: { path: above('cli', 'harness', 'gateway', 'upstream', 'scripts', 'test') } },
    { name: 'gateway-imports-only-core', severity: 'error', from: { path: '^gateway/' }, to: { path: above('cli', 'harness', 'loadgen', 'upstream', 'scripts', 'test') } },
    { name: 'upstream-imports-only-core', severity: 'error', from: { path: '^upstream/' }, to: { path: above('cli', 'harness', 'loadgen', 'gateway', 'scripts', 'test') } },
    { name: 'harness-imports-no-cli', severity: 'error', comment: 'the harness is a library: cli calls it, never the reverse', from: { path: '^harness/' }, to: { path: above('cli', 'scripts', 'test') } },
    { name: 'cli-imports-no-scripts-or-tests', severity: 'error', from: { path: '^cli/' }, to: { path: above('scripts', 'test') } },
    { name: 'imports-resolve', severity: 'error', comment: 'an import that does not resolve is a broken file or a typo', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    includeOnly: `^(${LAYERS}|scripts|test)/`,
    // The fixture of deliberate violations that proves the check can fail.
    exclude: { path: '^(dist|node_modules)/|^test/fixtures/layers/' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json', '.d.ts'] },
  },
};

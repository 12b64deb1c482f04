import fc from 'fast-check';

/**
 * Run budget and seed of every property test. `npm test` uses each property's small default
 * budget (all fuzz files together stay well under a minute); `npm run fuzz` multiplies it
 * by GW_FUZZ_FACTOR (default 50 there); GW_FUZZ_RUNS sets an exact number for every property.
 * The seed is printed so a failure can be replayed: GW_FUZZ_SEED=<seed> (and fast-check's
 * own failure message gives the seed and path of the shrunk counterexample).
 */
export function fuzzParams(name: string, defaultRuns: number): fc.Parameters<unknown> {
  const exact = Number(process.env.GW_FUZZ_RUNS);
  const factor = Number(process.env.GW_FUZZ_FACTOR) || 1;
  const numRuns = Number.isInteger(exact) && exact > 0 ? exact : Math.max(1, Math.round(defaultRuns * factor));
  const fixed = Number(process.env.GW_FUZZ_SEED);
  const seed = Number.isInteger(fixed) && process.env.GW_FUZZ_SEED ? fixed : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  process.stdout.write(`fuzz ${name}: seed ${seed}, ${numRuns} runs (replay: GW_FUZZ_SEED=${seed} GW_FUZZ_RUNS=${numRuns})\n`);
  return { seed, numRuns, verbose: 1 };
}

/** Assert a property with the budget above. */
export function fuzz<Ts extends [unknown, ...unknown[]]>(name: string, defaultRuns: number, prop: fc.IProperty<Ts>): void {
  fc.assert(prop, fuzzParams(name, defaultRuns) as fc.Parameters<Ts>);
}

export async function fuzzAsync<Ts extends [unknown, ...unknown[]]>(name: string, defaultRuns: number, prop: fc.IAsyncProperty<Ts>): Promise<void> {
  await fc.assert(prop, fuzzParams(name, defaultRuns) as fc.Parameters<Ts>);
}

/** A test timeout that grows with the budget (npm run fuzz multiplies the runs). */
export function fuzzTimeoutMs(baseMs: number): number {
  const exact = Number(process.env.GW_FUZZ_RUNS);
  const factor = Number(process.env.GW_FUZZ_FACTOR) || 1;
  return Math.round(baseMs * Math.max(factor, Number.isInteger(exact) && exact > 0 ? exact / 100 : 1));
}

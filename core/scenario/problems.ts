import { schemaProblems as check } from '../problems/schema.js';
import type { Problem } from '../problems/problem.js';
import { scenarioSchema } from './schema.js';

export type { Problem };
export { pointerToPath } from '../problems/schema.js';

/** Check a parsed scenario document against the scenario schema; every problem, not just the first. */
export function schemaProblems(doc: unknown): Problem[] {
  return check(scenarioSchema, doc);
}

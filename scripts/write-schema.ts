/** Regenerate scenarios/schema.json and docs/result.schema.json from their TypeScript sources (`npm run schema`). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioSchema } from '../core/scenario/schema.js';
import { resultSchema } from '../core/result-schema.js';
import { PACKAGE_ROOT } from '../core/version.js';

export function schemaJson(): string {
  return `${JSON.stringify(scenarioSchema, null, 2)}\n`;
}

export function resultSchemaJson(): string {
  return `${JSON.stringify(resultSchema, null, 2)}\n`;
}

if (process.argv[1]?.endsWith('write-schema.js')) {
  writeFileSync(join(PACKAGE_ROOT, 'scenarios', 'schema.json'), schemaJson());
  writeFileSync(join(PACKAGE_ROOT, 'docs', 'result.schema.json'), resultSchemaJson());
  console.log('wrote scenarios/schema.json and docs/result.schema.json');
}

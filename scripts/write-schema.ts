/** Regenerate scenarios/schema.json from core/scenario/schema.ts (`npm run schema`). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioSchema } from '../core/scenario/schema.js';
import { PACKAGE_ROOT } from '../core/version.js';

export function schemaJson(): string {
  return `${JSON.stringify(scenarioSchema, null, 2)}\n`;
}

if (process.argv[1]?.endsWith('write-schema.js')) {
  writeFileSync(join(PACKAGE_ROOT, 'scenarios', 'schema.json'), schemaJson());
  console.log('wrote scenarios/schema.json');
}

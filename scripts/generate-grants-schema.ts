/**
 * Writes config/grants.schema.json from the zod schema of the grants file, so editors
 * validate grants with the same rules as the broker. `npm test` fails when the committed
 * file is stale (test/unit/config/grants-json-schema.test.ts).
 */
import { writeFileSync } from 'node:fs';
import { grantsJsonSchema } from '../lib/config/grants-json-schema.js';

writeFileSync('config/grants.schema.json', `${JSON.stringify(grantsJsonSchema(), null, 2)}\n`);
console.log('wrote config/grants.schema.json');

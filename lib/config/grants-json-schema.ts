/** JSON Schema of the grants file, generated from the zod schema (never hand-written). */
import * as z from 'zod';
import { grantsFile } from './grants-schema.js';

export function grantsJsonSchema() {
  return {
    ...z.toJSONSchema(grantsFile, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://github.com/credential-broker/schemas/grants.schema.json',
    title: 'Credential broker grants file',
  };
}

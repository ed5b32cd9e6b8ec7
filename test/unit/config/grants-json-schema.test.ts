import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { grantsJsonSchema } from '../../../lib/config/grants-json-schema.js';

describe('config/grants.schema.json', () => {
  it('is the schema generated from zod (run `npm run generate:schema` after changing the grants schema)', () => {
    // Prepare
    const committed = JSON.parse(readFileSync('config/grants.schema.json', 'utf8'));
    // Act
    const generated = JSON.parse(JSON.stringify(grantsJsonSchema()));
    // Assess
    assert.deepEqual(committed, generated);
  });
});

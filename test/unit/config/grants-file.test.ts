import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileGrants, loadGrants } from '../../../lib/config/grants.js';
import { GrantsFileError, loadCompiledGrants } from '../../../lib/config/grants-file.js';

const dir = mkdtempSync(join(tmpdir(), 'grants-file-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

function refusal(load: () => unknown): GrantsFileError {
  try {
    load();
  } catch (error) {
    if (error instanceof GrantsFileError) return error;
    throw error;
  }
  assert.fail('expected the compiled grants file to be refused');
}

describe('compiled grants file (what the functions read)', () => {
  for (const source of ['local/grants.yaml', 'config/grants.example.yaml']) {
    it(`compiles ${source} to JSON that loads to the same grants as the YAML`, () => {
      // Act
      const compiled = write(`${source.replaceAll('/', '-')}.json`, compileGrants(source));
      // Assess
      assert.deepEqual(loadCompiledGrants(compiled), loadGrants(source));
    });
  }

  it('loads grants deeply frozen: a write to a loaded grant throws, from YAML and from JSON', () => {
    // Prepare
    const compiled = write('frozen.json', compileGrants('local/grants.yaml'));
    for (const file of [loadCompiledGrants(compiled), loadGrants('local/grants.yaml')]) {
      const grant = file.grants[0];
      assert.ok(grant?.provider === 'aws' && grant.policy);
      const statements = grant.policy.Statement;
      // Act / Assess: ESM is strict mode, so a write to a frozen object throws a TypeError.
      assert.throws(() => file.grants.push(grant), TypeError);
      assert.throws(() => Object.assign(grant, { disabled: true }), TypeError);
      assert.throws(() => Object.assign(grant.policy ?? {}, { Statement: [] }), TypeError);
      assert.throws(() => (Array.isArray(statements) ? statements.pop() : undefined), TypeError);
      assert.throws(() => grant.callers.push('arn:aws:iam::999999999999:role/intruder'), TypeError);
      assert.equal(grant.disabled, false);
    }
  });

  it('validates the compiled file again at cold start, with the same schema and ceiling checks', () => {
    // Prepare: valid JSON, but a grant that the schema refuses, and a ceiling with NotAction.
    const document = JSON.parse(compileGrants('config/grants.example.yaml'));
    const badSchema = structuredClone(document);
    badSchema.grants[0].maxDurationSeconds = 99_999;
    const badCeiling = structuredClone(document);
    badCeiling.grants[0].policy = { Statement: [{ Effect: 'Allow', NotAction: '*', Resource: '*' }] };
    // Act
    const schemaError = refusal(() => loadCompiledGrants(write('schema.json', JSON.stringify(badSchema))));
    const ceilingError = refusal(() => loadCompiledGrants(write('ceiling.json', JSON.stringify(badCeiling))));
    // Assess
    assert.match(schemaError.message, /\$\.grants\[0\]\.maxDurationSeconds/);
    assert.match(ceilingError.message, /\$\.grants\[0\]\.policy/);
  });

  it('refuses a YAML file or broken JSON in place of the compiled file', () => {
    // Act
    const yaml = refusal(() => loadCompiledGrants('local/grants.yaml'));
    const broken = refusal(() => loadCompiledGrants(write('broken.json', '{"version": 1,')));
    // Assess
    assert.match(yaml.message, /compiled grants file \(JSON\)/);
    assert.match(broken.message, /broken\.json/);
  });

  it('refuses to compile an invalid grants file', () => {
    // Act / Assess
    assert.ok(refusal(() => compileGrants(write('bad.yaml', 'version: 2\ngrants: []\n'))));
  });
});

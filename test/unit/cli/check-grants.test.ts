import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'check-grants-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const checkGrants = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'cli/check-grants.ts', ...args], { encoding: 'utf8' });

describe('npm run check:grants', () => {
  it('checks every file it is given and fails when any of them is broken', () => {
    // Prepare
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'version: 1\ngrants:\n  - id: UPPER\n');
    // Act
    const result = checkGrants('local/grants.yaml', broken, 'config/grants.example.yaml');
    // Assess
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^local\/grants\.yaml: ok /m);
    assert.match(
      result.stdout,
      /^config\/grants\.example\.yaml: ok /m,
      'the file after the broken one is checked too',
    );
    assert.match(result.stderr, /broken\.yaml/);
  });

  it('passes when every file is valid, and keeps --json to one file', () => {
    // Act
    const valid = checkGrants('local/grants.yaml', 'config/grants.example.yaml');
    const json = checkGrants('--json', 'local/grants.yaml', 'config/grants.example.yaml');
    // Assess
    assert.equal(valid.status, 0, valid.stderr);
    assert.equal(json.status, 1);
    assert.match(json.stderr, /--json takes exactly one grants file/);
  });
});

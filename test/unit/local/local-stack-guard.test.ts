/**
 * Deployed stages never run local code: a local handler refuses to load in any stage but
 * `local`, and inside AWS Lambda even when the stage says `local` (serverless-offline,
 * which also sets AWS_LAMBDA_FUNCTION_NAME, marks itself with IS_OFFLINE).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { assertLocalStack } from '../../../local/functions/local-stack.js';

const LAMBDA = { AWS_LAMBDA_FUNCTION_NAME: 'credential-broker-prod-issueCredentials' };
const LOCAL_HANDLERS = readdirSync('local/functions', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => `local/functions/${entry.name}/handler.ts`);

describe('local handlers outside the local stack', () => {
  it('run in the local stage, on a dev machine or under serverless-offline', () => {
    assert.doesNotThrow(() => assertLocalStack('local', {}));
    assert.doesNotThrow(() => assertLocalStack('local', { ...LAMBDA, IS_OFFLINE: 'true' }));
  });

  for (const [stage, env] of [
    ['prod', {}],
    [undefined, {}],
    ['local', LAMBDA],
    ['local', { ...LAMBDA, IS_OFFLINE: 'false' }],
  ] as const) {
    it(`refuse stage ${stage} with ${JSON.stringify(env)}`, () => {
      assert.throws(() => assertLocalStack(stage, env), /local handlers/);
    });
  }

  it('refuses to load every local handler inside Lambda before any deployed module runs', () => {
    // Prepare: the local stage inside a Lambda, with nothing else configured: a deployed
    // module that ran first would fail on its own (no grants file, no tables) with another
    // message, so only a guard that runs before every deployed module passes this test.
    const probe = `for (const file of ${JSON.stringify(LOCAL_HANDLERS)}) {
      try { await import('./' + file); console.log(file + ': loaded'); }
      catch (error) { console.log(file + ': ' + error.message); }
    }`;
    // Act
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
      env: { PATH: process.env.PATH, BROKER_STAGE: 'local', ...LAMBDA },
      encoding: 'utf8',
    });
    // Assess
    const lines = run.stdout.trim().split('\n');
    assert.ok(LOCAL_HANDLERS.length >= 6, `local handlers: ${LOCAL_HANDLERS}`);
    assert.equal(lines.length, LOCAL_HANDLERS.length, run.stdout + run.stderr);
    for (const line of lines) assert.match(line, /: local handlers never run inside AWS Lambda/);
  });
});

/**
 * The audit-query function reads its cursor key by name at cold start, through the real
 * composition root and SSM adapter (against the local SSM emulator): without a readable,
 * valid key it does not start, so no audit query ever runs with a guessable key.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { compileGrants } from '../../lib/config/grants.js';
import { LOCAL_CURSOR_KEY } from '../../lib/config/secrets.js';
import { type SsmEmulator, startSsmEmulator } from '../../local/ssm-emulator/index.js';
import { brokerEnv } from '../support/broker-env.js';

const KEY_NAMES = {
  good: '/credential-broker/prod/cursor-key',
  dev: '/credential-broker/prod/dev-cursor-key',
  missing: '/credential-broker/prod/no-such-key',
};
let ssm: SsmEmulator;
// The functions read the grants file compiled to JSON, as packaging writes it.
const compiledGrants = join(mkdtempSync(join(tmpdir(), 'cold-start-grants-')), 'grants.json');

before(async () => {
  writeFileSync(compiledGrants, compileGrants('config/grants.example.yaml'));
  ssm = await startSsmEmulator({
    port: 0,
    parameters: { [KEY_NAMES.good]: 'c'.repeat(48), [KEY_NAMES.dev]: LOCAL_CURSOR_KEY },
  });
});
after(() => ssm?.stop());

/** Imports the handler module in a fresh process, as a cold start would; returns its error, if any. */
async function coldStart(cursorKeyParameter: string): Promise<string> {
  const probe = `try { await import('./functions/audit-query/handler.ts'); console.log('started'); }
    catch (error) { console.log(error.message); }`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', probe],
    {
      env: {
        PATH: process.env.PATH,
        ...brokerEnv({
          BROKER_GRANTS_FILE: compiledGrants,
          BROKER_CURSOR_KEY_PARAMETER: cursorKeyParameter,
          BROKER_SSM_MAX_ATTEMPTS: '1',
        }),
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_SSM: ssm.url,
        AWS_ACCESS_KEY_ID: 'AKIACOLDSTARTTEST000',
        AWS_SECRET_ACCESS_KEY: 'cold-start-test-not-a-secret',
      },
    },
  );
  return stdout.trim();
}

describe('audit-query cold start', () => {
  it('starts with a readable key of 32 characters or more', async () => {
    assert.equal(await coldStart(KEY_NAMES.good), 'started');
    assert.ok(ssm.calls().some((call) => call.name === KEY_NAMES.good && call.withDecryption));
  });

  it('fails when the key parameter does not exist', async () => {
    assert.match(
      await coldStart(KEY_NAMES.missing),
      /secret \/credential-broker\/prod\/no-such-key does not exist/,
    );
  });

  it('fails on the local dev key outside the local stage', async () => {
    assert.match(await coldStart(KEY_NAMES.dev), /is the local dev key/);
  });
});

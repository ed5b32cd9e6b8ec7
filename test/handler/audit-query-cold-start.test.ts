/**
 * The audit-query function reads its cursor key by name, through the real composition root
 * and SSM adapter (against the local SSM emulator): nothing at import (a cold start does no
 * I/O), then before every request, the first one included. Without a readable, valid key it
 * answers no audit query (503), so no query ever runs with a guessable key.
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

interface ColdStart {
  /** The import's error, if it failed. */
  error?: string;
  started?: boolean;
  /** The answer to one audit query, and the reason the broker logged for refusing it. */
  status?: number;
  code?: string;
  reason?: string;
}

/**
 * Imports the handler module in a fresh process, as a cold start would, then (`request`)
 * sends it one audit query from an auditor.
 */
async function coldStart(
  cursorKeyParameter: string,
  then: 'import' | 'request' = 'import',
): Promise<ColdStart> {
  const probe = `
    const { buildContext, buildEvent, iamAuthorizer } = await import('./test/support/lambda.ts');
    let module;
    try { module = await import('./functions/audit-query/handler.ts'); }
    catch (error) { console.log(JSON.stringify({ error: error.message })); process.exit(0); }
    if (${JSON.stringify(then)} === 'import') { console.log(JSON.stringify({ started: true })); process.exit(0); }
    const answer = await module.handler(
      buildEvent({ method: 'GET', path: '/v1/issuances', authorizer: iamAuthorizer('arn:aws:sts::111111111111:assumed-role/security-audit/probe') }),
      buildContext(),
    );
    console.error(JSON.stringify({ started: true, status: answer.statusCode, code: JSON.parse(answer.body).code }));
    process.exit(0);`;
  const { stderr, stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', probe],
    {
      env: {
        PATH: process.env.PATH,
        ...brokerEnv({
          BROKER_GRANTS_FILE: compiledGrants,
          BROKER_CURSOR_KEY_PARAMETER: cursorKeyParameter,
          BROKER_SSM_MAX_ATTEMPTS: '1',
          BROKER_DYNAMODB_MAX_ATTEMPTS: '1',
        }),
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_SSM: ssm.url,
        // No DynamoDB here: an audit query that gets past its key fails at the rate limit.
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
        AWS_ACCESS_KEY_ID: 'AKIACOLDSTARTTEST000',
        AWS_SECRET_ACCESS_KEY: 'cold-start-test-not-a-secret',
      },
    },
  );
  if (then === 'import') return JSON.parse(stdout) as ColdStart;
  // The broker logs why it refused a request (errors on stderr); the answer is the last line.
  const lines = stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ColdStart);
  return { ...lines.at(-1), reason: lines.find((entry) => entry.reason !== undefined)?.reason };
}

const readsOf = (name: string) => ssm.calls().filter((call) => call.name === name).length;

describe('audit-query cold start', () => {
  it('reads nothing at import, even when the key is missing', async () => {
    // Act
    const started = await coldStart(KEY_NAMES.missing);
    // Assess
    assert.deepEqual(started, { started: true });
    assert.equal(readsOf(KEY_NAMES.missing), 0);
  });

  it('reads a key of 32 characters or more, with decryption, on the first request', async () => {
    // Act
    const answer = await coldStart(KEY_NAMES.good, 'request');
    // Assess: past the key, the query fails where this test has no DynamoDB (the rate limit).
    assert.ok(ssm.calls().some((call) => call.name === KEY_NAMES.good && call.withDecryption));
    assert.equal(answer.status, 503);
    assert.match(answer.reason ?? '', /^rate limit: /);
  });

  it('answers no query when the key parameter does not exist', async () => {
    // Act
    const answer = await coldStart(KEY_NAMES.missing, 'request');
    // Assess
    assert.equal(answer.status, 503);
    assert.equal(answer.code, 'dependency_unavailable');
    assert.match(answer.reason ?? '', /secret \/credential-broker\/prod\/no-such-key does not exist/);
  });

  it('answers no query with the local dev key outside the local stage', async () => {
    // Act
    const answer = await coldStart(KEY_NAMES.dev, 'request');
    // Assess
    assert.equal(answer.status, 503);
    assert.match(answer.reason ?? '', /is the local dev key/);
  });
});

/**
 * The SSM secret store (Powertools Parameters on the AWS SDK) against the local SSM
 * emulator on 127.0.0.1: signed GetParameter with decryption, cached for the max age and
 * read again after it (rotation without a redeploy), missing names and outages told apart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SecretUnavailableError } from '../../lib/config/secrets.js';
import { makeSsmSecretStore } from '../../lib/config/ssm-secrets.js';
import { loadDevIdentities } from '../../local/dev-identities.js';
import { type SsmEmulator, startSsmEmulator } from '../../local/ssm-emulator/index.js';
import { BROKER_AWS_PRINCIPAL } from '../../local/stack.js';

const broker = loadDevIdentities('local/dev-identities.json').find(
  (i) => i.principalArn === BROKER_AWS_PRINCIPAL,
);
const NAME = '/credential-broker/test/cursor-key';
let ssm: SsmEmulator;

const store = (maxAgeSeconds: number) =>
  makeSsmSecretStore({ region: 'us-east-1', maxAttempts: 1, timeoutMs: 2_000, maxAgeSeconds });

before(async () => {
  assert.ok(broker);
  ssm = await startSsmEmulator({ port: 0, identities: [broker], parameters: { [NAME]: 'first-value' } });
  // The SDK's default chain, as in Lambda: endpoint and keys from the environment.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SSM: ssm.url,
    AWS_ACCESS_KEY_ID: broker.accessKeyId,
    AWS_SECRET_ACCESS_KEY: broker.secretAccessKey,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});
after(() => ssm?.stop());

describe('SSM secret store', () => {
  it('reads a SecureString with decryption, signed by the function role', async () => {
    // Act
    const value = await store(60).read(NAME);
    // Assess
    assert.equal(value, 'first-value');
    const call = ssm.calls().at(-1);
    assert.deepEqual(call, { target: 'AmazonSSM.GetParameter', name: NAME, withDecryption: true });
  });

  it('serves repeated reads from its cache, and reads a rotated value once the max age passed', async () => {
    // Prepare
    const secrets = store(1);
    const before = await secrets.read(NAME);
    const callsAfterFirst = ssm.calls().length;
    // Act
    ssm.put(NAME, 'rotated-value');
    const cached = await secrets.read(NAME);
    const callsAfterCached = ssm.calls().length;
    await sleep(1_100);
    const rotated = await secrets.read(NAME);
    // Assess
    assert.equal(before, 'first-value');
    assert.equal(cached, 'first-value');
    assert.equal(callsAfterCached, callsAfterFirst, 'a read within the max age must not call SSM');
    assert.equal(rotated, 'rotated-value');
    ssm.put(NAME, 'first-value');
  });

  it('answers undefined for a name that does not exist', async () => {
    assert.equal(await store(60).read('/credential-broker/test/nothing-here'), undefined);
  });

  it('throws SecretUnavailableError when SSM refuses the caller', async () => {
    // Prepare
    const saved = process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-right-secret-key';
    // Act
    const read = store(60).read(NAME);
    // Assess
    await assert.rejects(read, SecretUnavailableError);
    process.env.AWS_SECRET_ACCESS_KEY = saved;
  });
});

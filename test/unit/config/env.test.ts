import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../lib/config/env.js';
import { brokerEnv, REQUIRED_ENV } from '../../support/broker-env.js';

describe('loadConfig', () => {
  it('defaults to role chaining on, a 64 KiB body limit and no Volcengine issuer', () => {
    // Prepare
    const env = brokerEnv();
    // Act
    const config = loadConfig(env);
    // Assess
    assert.equal(config.roleChaining, true);
    assert.equal(config.maxBodyBytes, 65_536);
    assert.equal(config.secrets.volcengineKey, undefined);
    assert.equal(config.secrets.cursorKey, undefined);
    assert.deepEqual(config.sts, { maxAttempts: 3, timeoutMs: 3_000 });
  });

  it('reads explicit values, coercing numbers and the boolean', () => {
    // Prepare
    const env = brokerEnv({
      BROKER_STAGE: 'staging',
      BROKER_ROLE_CHAINING: 'false',
      BROKER_MAX_BODY_BYTES: '1024',
      BROKER_STS_MAX_ATTEMPTS: '5',
    });
    // Act
    const config = loadConfig(env);
    // Assess
    assert.equal(config.stage, 'staging');
    assert.equal(config.roleChaining, false);
    assert.equal(config.maxBodyBytes, 1024);
    assert.equal(config.sts.maxAttempts, 5);
  });

  for (const [name, value] of [
    ['BROKER_ROLE_CHAINING', 'yes'],
    ['BROKER_ROLE_CHAINING', 'TRUE'],
    ['BROKER_MAX_BODY_BYTES', '0'],
    ['BROKER_MAX_BODY_BYTES', '2000000'],
    ['BROKER_MAX_BODY_BYTES', '1.5'],
    ['BROKER_STS_MAX_ATTEMPTS', '6'],
    ['BROKER_STS_TIMEOUT_MS', '30000'],
    ['BROKER_STAGE', 'Prod Stage'],
    ['BROKER_VOLCENGINE_ENDPOINT', 'not a url'],
  ] as const) {
    it(`fails the cold start on ${name}=${value}, naming the variable`, () => {
      // Prepare
      const env = brokerEnv({ [name]: value });
      // Act
      const load = () => loadConfig(env);
      // Assess
      assert.throws(load, (error: unknown) => error instanceof Error && error.message.includes(name));
    });
  }

  for (const name of Object.keys(REQUIRED_ENV)) {
    for (const stage of ['prod', 'local']) {
      it(`fails the cold start without ${name} in stage ${stage}: no default points at local resources`, () => {
        // Prepare
        const env: Record<string, string> = brokerEnv({ BROKER_STAGE: stage });
        delete env[name];
        // Act
        const load = () => loadConfig(env);
        // Assess
        assert.throws(load, (error: unknown) => error instanceof Error && error.message.includes(name));
      });
    }
  }

  it('takes the Volcengine key as two parameter names, both or neither, never as values', () => {
    // Prepare
    const names = {
      BROKER_VOLCENGINE_ACCESS_KEY_ID_PARAMETER: '/credential-broker/prod/volcengine-access-key-id',
      BROKER_VOLCENGINE_SECRET_ACCESS_KEY_PARAMETER: '/credential-broker/prod/volcengine-secret-access-key',
    };
    const half = brokerEnv({
      BROKER_VOLCENGINE_ACCESS_KEY_ID_PARAMETER: names.BROKER_VOLCENGINE_ACCESS_KEY_ID_PARAMETER,
    });
    const values = brokerEnv({
      BROKER_VOLCENGINE_ACCESS_KEY_ID: 'AKLTexample',
      BROKER_VOLCENGINE_SECRET_ACCESS_KEY: 'c2Vj',
    });
    // Act
    const both = loadConfig(brokerEnv(names));
    const fromValues = loadConfig(values);
    // Assess
    assert.deepEqual(both.secrets.volcengineKey, {
      accessKeyId: names.BROKER_VOLCENGINE_ACCESS_KEY_ID_PARAMETER,
      secretAccessKey: names.BROKER_VOLCENGINE_SECRET_ACCESS_KEY_PARAMETER,
    });
    assert.throws(() => loadConfig(half), /go together/);
    assert.equal(fromValues.secrets.volcengineKey, undefined, 'key values in the environment are ignored');
    assert.ok(!JSON.stringify(fromValues).includes('AKLTexample'));
  });

  it('refuses a secret parameter name that is not an SSM path', () => {
    assert.throws(
      () => loadConfig(brokerEnv({ BROKER_CURSOR_KEY_PARAMETER: 'cursor key' })),
      /BROKER_CURSOR_KEY_PARAMETER/,
    );
  });
});

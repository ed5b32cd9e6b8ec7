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
    assert.equal(config.volcengine, undefined);
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

  it('configures Volcengine only when both halves of its key are present', () => {
    // Prepare
    const half = brokerEnv({ BROKER_VOLCENGINE_ACCESS_KEY_ID: 'AKLTexample' });
    const both = { ...half, BROKER_VOLCENGINE_SECRET_ACCESS_KEY: 'c2VjcmV0' };
    // Act
    const withHalf = loadConfig(half);
    const withBoth = loadConfig(both);
    // Assess
    assert.equal(withHalf.volcengine, undefined);
    assert.deepEqual(withBoth.volcengine?.credentials, {
      accessKeyId: 'AKLTexample',
      secretAccessKey: 'c2VjcmV0',
    });
    assert.equal(withBoth.volcengine?.region, 'cn-north-1');
  });

  it('does not echo a secret when another variable is invalid', () => {
    // Prepare
    const env = brokerEnv({
      BROKER_VOLCENGINE_SECRET_ACCESS_KEY: 'super-secret-value',
      BROKER_MAX_BODY_BYTES: '-1',
    });
    // Act
    const load = () => loadConfig(env);
    // Assess
    assert.throws(
      load,
      (error: unknown) => error instanceof Error && !error.message.includes('super-secret'),
    );
  });
});

/**
 * Secrets by name (invariant 19) and their fail-closed reading: the cursor key, read on first
 * use, refuses when missing, short, or the dev key outside `local`; the Volcengine
 * key source refuses with provider_not_configured or dependency_unavailable, never a guess.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, requireCursorKeyParameter } from '../../../lib/config/env.js';
import {
  cursorKeyProblem,
  LOCAL_CURSOR_KEY,
  requiredSecret,
  type SecretStore,
  SecretUnavailableError,
  signingKeySource,
} from '../../../lib/config/secrets.js';
import { BrokerError } from '../../../lib/errors.js';
import { brokerEnv } from '../../support/broker-env.js';

const KEY = 'k'.repeat(32);

/** A store over a mutable map; `failing` makes every read an outage. */
function mapStore(values: Record<string, string>) {
  const state = { failing: false, reads: 0 };
  const store: SecretStore = {
    async read(name) {
      state.reads += 1;
      if (state.failing) throw new SecretUnavailableError(name, new Error('ThrottlingException'));
      return values[name];
    },
  };
  return { store, values, state };
}

const codeOf = (error: unknown) => (error instanceof BrokerError ? error.code : String(error));

describe('cursor key', () => {
  it('is required by name: a function given no parameter name fails its cold start', () => {
    // Prepare
    const withName = loadConfig(
      brokerEnv({ BROKER_CURSOR_KEY_PARAMETER: '/credential-broker/prod/cursor-key' }),
    );
    const without = loadConfig(brokerEnv());
    // Assess
    assert.equal(requireCursorKeyParameter(withName), '/credential-broker/prod/cursor-key');
    assert.throws(
      () => requireCursorKeyParameter(without),
      /BROKER_CURSOR_KEY_PARAMETER is required in stage prod/,
    );
  });

  it('takes 32 characters or more, and the dev key in the local stage only', () => {
    assert.equal(cursorKeyProblem('prod')(KEY), undefined);
    assert.equal(cursorKeyProblem('prod')(KEY.slice(1)), 'is shorter than 32 characters');
    assert.equal(cursorKeyProblem('prod')(LOCAL_CURSOR_KEY), 'is the local dev key');
    assert.equal(cursorKeyProblem('local')(LOCAL_CURSOR_KEY), undefined);
  });

  for (const [label, values, pattern] of [
    ['missing', {}, /secret \/ck does not exist/],
    ['too short', { '/ck': 'tiny-secret-value' }, /secret \/ck is shorter than 32 characters/],
    ['the dev key', { '/ck': LOCAL_CURSOR_KEY }, /secret \/ck is the local dev key/],
  ] as const) {
    it(`fails the first read when ${label}, without echoing the value`, async () => {
      // Prepare
      const { store } = mapStore({ ...values });
      const secret = requiredSecret(store, '/ck', cursorKeyProblem('prod'));
      // Act
      const read = secret.refresh();
      // Assess
      assert.throws(() => secret.value, /used before it was read/);
      await assert.rejects(
        read,
        (error: Error) =>
          pattern.test(error.message) &&
          Object.values(values).every((value) => !error.message.includes(value)),
      );
    });
  }

  it('reads nothing until first used, then fails the read when the store cannot be read', async () => {
    // Prepare
    const { store, state } = mapStore({ '/ck': KEY });
    state.failing = true;
    // Act
    const secret = requiredSecret(store, '/ck', cursorKeyProblem('prod'));
    const readsBeforeUse = state.reads;
    const read = secret.refresh();
    // Assess
    assert.equal(readsBeforeUse, 0);
    await assert.rejects(read, SecretUnavailableError);
    assert.throws(() => secret.value, /used before it was read/);
  });

  it('picks up a rotated value on refresh, and refuses a rotation to an invalid one', async () => {
    // Prepare
    const { store, values } = mapStore({ '/ck': KEY });
    const secret = requiredSecret(store, '/ck', cursorKeyProblem('prod'));
    await secret.refresh();
    const first = secret.value;
    // Act
    values['/ck'] = 'r'.repeat(40);
    await secret.refresh();
    const rotated = secret.value;
    values['/ck'] = LOCAL_CURSOR_KEY;
    const badRotation = secret.refresh();
    // Assess
    assert.equal(first, KEY);
    assert.equal(rotated, 'r'.repeat(40));
    await assert.rejects(badRotation, /local dev key/);
    assert.equal(secret.value, 'r'.repeat(40), 'a refused rotation keeps the last good key');
  });
});

describe('Volcengine signing key source', () => {
  const names = { accessKeyId: '/v/id', secretAccessKey: '/v/secret' };

  it('reads both halves by name at each call', async () => {
    // Prepare
    const { store, values, state } = mapStore({ '/v/id': 'AKLT1', '/v/secret': 'c2Vj' });
    const source = signingKeySource(store, names);
    // Act
    const first = await source();
    values['/v/secret'] = 'cm90YXRlZA';
    const second = await source();
    // Assess
    assert.deepEqual(first, { accessKeyId: 'AKLT1', secretAccessKey: 'c2Vj' });
    assert.equal(second.secretAccessKey, 'cm90YXRlZA');
    assert.equal(state.reads, 4);
  });

  it('answers provider_not_configured without names, or with a half missing', async () => {
    // Prepare
    const { store } = mapStore({ '/v/id': 'AKLT1' });
    // Act
    const unnamed = signingKeySource(store, undefined)();
    const half = signingKeySource(store, names)();
    // Assess
    await assert.rejects(unnamed, (error) => codeOf(error) === 'provider_not_configured');
    await assert.rejects(half, (error) => codeOf(error) === 'provider_not_configured');
  });

  it('answers dependency_unavailable when the store cannot be read', async () => {
    // Prepare
    const { store, state } = mapStore({ '/v/id': 'AKLT1', '/v/secret': 'c2Vj' });
    state.failing = true;
    // Act
    const read = signingKeySource(store, names)();
    // Assess
    await assert.rejects(read, (error) => codeOf(error) === 'dependency_unavailable');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOCAL_CURSOR_KEY, loadConfig, requireCursorKey } from '../../../lib/config/env.js';
import { brokerEnv } from '../../support/broker-env.js';

const KEY = 'k'.repeat(32);

describe('BROKER_CURSOR_KEY', () => {
  it('has a fixed dev default in the local stage only', () => {
    // Act
    const local = loadConfig(brokerEnv({ BROKER_STAGE: 'local' }));
    const prod = loadConfig(brokerEnv({ BROKER_STAGE: 'prod' }));
    // Assess
    assert.equal(requireCursorKey(local), LOCAL_CURSOR_KEY);
    assert.equal(prod.cursorKey, undefined);
    assert.throws(() => requireCursorKey(prod), /BROKER_CURSOR_KEY .* required in stage prod/);
  });

  it('takes a key of 32 characters or more, and refuses a shorter one or the dev key outside local', () => {
    // Act
    const given = loadConfig(brokerEnv({ BROKER_STAGE: 'prod', BROKER_CURSOR_KEY: KEY }));
    const short = () => loadConfig(brokerEnv({ BROKER_STAGE: 'prod', BROKER_CURSOR_KEY: KEY.slice(1) }));
    const devKey = () => loadConfig(brokerEnv({ BROKER_STAGE: 'prod', BROKER_CURSOR_KEY: LOCAL_CURSOR_KEY }));
    // Assess
    assert.equal(requireCursorKey(given), KEY);
    assert.throws(short, /BROKER_CURSOR_KEY/);
    assert.throws(devKey, /local dev key/);
  });
});

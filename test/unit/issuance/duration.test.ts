import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BrokerError } from '../../../lib/errors.js';
import { boundDuration, durationRange } from '../../../lib/issuance/duration.js';
import { awsGrantOf, volcengineGrantOf } from '../../support/grants.js';
import { refusal } from '../../support/refusal.js';

const chaining = { roleChaining: true };
const direct = { roleChaining: false };

describe('durationRange: the tightest bound wins and is named (invariant 6)', () => {
  it('caps a chained AWS session at 3600 s even when the role allows 12 h', () => {
    // Prepare
    const grant = awsGrantOf({ roleMaxSessionDurationSeconds: 43_200 });
    // Act
    const range = durationRange(grant, chaining);
    // Assess
    assert.deepEqual(range, { min: 900, max: 3600, maxSetBy: 'role_chaining' });
  });

  it('uses the grant maximum when it is the tightest', () => {
    // Prepare
    const grant = awsGrantOf({ maxDurationSeconds: 1800 });
    // Act
    const range = durationRange(grant, chaining);
    // Assess
    assert.deepEqual(range, { min: 900, max: 1800, maxSetBy: 'grant_maximum' });
  });

  it("uses the role's MaxSessionDuration without role chaining", () => {
    // Prepare
    const grant = awsGrantOf({ roleMaxSessionDurationSeconds: 7200 });
    // Act
    const range = durationRange(grant, direct);
    // Assess
    assert.deepEqual(range, { min: 900, max: 7200, maxSetBy: 'role_maximum' });
  });

  it('falls back to the provider maximum of 43200 s', () => {
    // Prepare
    const grant = volcengineGrantOf();
    // Act
    const range = durationRange(grant, chaining);
    // Assess: role chaining is an AWS rule; Volcengine is bounded by its own limits.
    assert.deepEqual(range, { min: 900, max: 43_200, maxSetBy: 'provider_maximum' });
  });
});

describe('boundDuration (invariant 6)', () => {
  it('accepts both ends of the range exactly', () => {
    // Prepare
    const grant = awsGrantOf();
    // Act
    const low = boundDuration(900, grant, chaining);
    const high = boundDuration(3600, grant, chaining);
    // Assess
    assert.equal(low.durationSeconds, 900);
    assert.equal(high.durationSeconds, 3600);
  });

  it('uses the grant default when the request names none', () => {
    // Prepare
    const grant = awsGrantOf({ defaultDurationSeconds: 1200 });
    // Act
    const bounded = boundDuration(undefined, grant, chaining);
    // Assess
    assert.equal(bounded.durationSeconds, 1200);
  });

  it('defaults to 900 s when neither request nor grant names a duration', () => {
    // Prepare
    const grant = awsGrantOf();
    // Act
    const bounded = boundDuration(undefined, grant, chaining);
    // Assess
    assert.equal(bounded.durationSeconds, 900);
  });

  it('refuses 3601 s under role chaining and says the range and the bound', () => {
    // Prepare
    const grant = awsGrantOf({ roleMaxSessionDurationSeconds: 43_200 });
    // Act
    const error = refusal(() => boundDuration(3601, grant, chaining));
    // Assess
    assert.equal(error.status, 400);
    assert.equal(error.code, 'duration_out_of_range');
    assert.match(error.message, /from 900 to 3600/);
    assert.match(error.message, /role chaining/);
    assert.deepEqual(error.fields, [{ path: 'durationSeconds', message: 'allowed range 900-3600' }]);
  });

  it('refuses above the grant maximum rather than clamping to it', () => {
    // Prepare
    const grant = awsGrantOf({ maxDurationSeconds: 1800 });
    // Act
    const error = refusal(() => boundDuration(1801, grant, chaining));
    // Assess
    assert.equal(error.status, 400);
    assert.match(error.message, /from 900 to 1800.*grant maximum/);
  });

  it('refuses above 3600 s on Volcengine only past its own limits (no silent clamp downstream)', () => {
    // Prepare
    const grant = volcengineGrantOf({ maxDurationSeconds: 7200 });
    // Act
    const accepted = boundDuration(7200, grant, chaining);
    const error = refusal(() => boundDuration(7201, grant, chaining));
    // Assess
    assert.equal(accepted.durationSeconds, 7200);
    assert.equal(error.code, 'duration_out_of_range');
  });

  // 1e400 parses to Infinity, as JSON.parse does with the literal.
  for (const value of [
    899,
    0,
    -1,
    3600.5,
    Number('1e400'),
    Number('-1e400'),
    Number.NaN,
    2 ** 53,
    Number.MAX_VALUE,
  ]) {
    it(`refuses ${value}`, () => {
      // Prepare
      const grant = awsGrantOf();
      // Act
      const error = refusal(() => boundDuration(value, grant, chaining));
      // Assess
      assert.equal(error.status, 400);
      assert.equal(error.code, 'duration_out_of_range');
    });
  }

  it('property: accepts an in-range integer unchanged and refuses every other number', () => {
    const grants = fc.constantFrom(
      awsGrantOf(),
      awsGrantOf({ maxDurationSeconds: 1800 }),
      awsGrantOf({ roleMaxSessionDurationSeconds: 43_200 }),
      volcengineGrantOf(),
      volcengineGrantOf({ maxDurationSeconds: 5400 }),
    );
    const requested = fc.oneof(
      fc.integer({ min: -100_000, max: 100_000 }),
      fc.double(),
      fc.constantFrom(899, 900, 3599, 3600, 3601, 43_199, 43_200, 43_201),
    );
    fc.assert(
      fc.property(grants, fc.boolean(), requested, (grant, roleChaining, value) => {
        // Prepare
        const range = durationRange(grant, { roleChaining });
        const valid = Number.isInteger(value) && value >= range.min && value <= range.max;
        // Act
        let outcome: number | BrokerError;
        try {
          outcome = boundDuration(value, grant, { roleChaining }).durationSeconds;
        } catch (error) {
          if (!(error instanceof BrokerError)) throw error;
          outcome = error;
        }
        // Assess
        if (valid) assert.equal(outcome, value);
        else assert.ok(outcome instanceof BrokerError && outcome.status === 400);
        assert.ok(range.max <= 43_200 && range.min === 900);
        if (grant.provider === 'aws' && roleChaining) assert.ok(range.max <= 3600);
      }),
      { numRuns: 2000 },
    );
  });
});

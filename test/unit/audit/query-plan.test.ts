import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callerKeyOf, planQuery } from '../../../lib/audit/query-plan.js';

const options = { now: new Date('2025-03-10T12:00:00.000Z'), defaultHours: 24, maxDays: 31 };

describe('planQuery', () => {
  it('reads the most selective filter from its index and post-filters the rest', () => {
    // Act
    const plan = planQuery(
      {
        grant: 'reports-reader',
        roleArn: 'arn:aws:iam::222222222222:role/r',
        accessKeyId: 'ASIAEXAMPLE000000001',
        decision: 'ISSUED',
      },
      options,
    );
    // Assess
    assert.equal(plan.index, 'byAccessKey');
    assert.deepEqual(plan.partitions, ['ASIAEXAMPLE000000001']);
    assert.deepEqual(plan.postFilters, {
      grantId: 'reports-reader',
      roleArn: 'arn:aws:iam::222222222222:role/r',
      decision: 'ISSUED',
    });
    assert.deepEqual(plan.postFilterNames, ['grant', 'roleArn', 'decision']);
  });

  it('prefers caller over grant over role over decision', () => {
    // Act
    const byCaller = planQuery(
      { caller: 'aws:111111111111:role/x', grant: 'g1', decision: 'DENIED' },
      options,
    );
    const byGrant = planQuery({ grant: 'g1', roleArn: 'arn:aws:iam::1:role/r' }, options);
    const byRole = planQuery({ roleArn: 'arn:aws:iam::1:role/r', decision: 'DENIED' }, options);
    const byDecision = planQuery({ decision: 'DENIED' }, options);
    // Assess
    assert.deepEqual(
      [byCaller, byGrant, byRole, byDecision].map((plan) => plan.index),
      ['byCaller', 'byGrant', 'byRole', 'byDecision'],
    );
  });

  it('reads INTENT records for decision=unconfirmed and marks the per-issuance check', () => {
    // Act
    const alone = planQuery({ decision: 'unconfirmed' }, options);
    const withCaller = planQuery({ decision: 'unconfirmed', caller: 'aws:111111111111:role/x' }, options);
    // Assess
    assert.deepEqual([alone.index, alone.partitions, alone.unconfirmed], ['byDecision', ['INTENT'], true]);
    assert.deepEqual(withCaller.postFilters, { decision: 'INTENT' });
    assert.deepEqual(withCaller.postFilterNames, ['decision', 'unconfirmed']);
    assert.notEqual(alone.fingerprint, planQuery({ decision: 'INTENT' }, options).fingerprint);
  });

  it('falls back to byDay over the last day, and keeps a range resolved by an earlier page', () => {
    // Prepare
    const first = planQuery({}, options);
    const later = { ...options, now: new Date('2025-03-12T00:00:00.000Z') };
    // Act
    const fresh = planQuery({}, later);
    const resumed = planQuery({}, later, first.range);
    // Assess
    assert.equal(first.index, 'byDay');
    assert.deepEqual(first.partitions, ['2025-03-10', '2025-03-09']);
    assert.deepEqual(resumed.partitions, first.partitions);
    assert.notDeepEqual(fresh.partitions, first.partitions);
    assert.equal(resumed.fingerprint, first.fingerprint);
  });
});

describe('callerKeyOf', () => {
  it('reduces principal ARNs to caller keys and refuses anything else', () => {
    // Act
    const keys = [
      'arn:aws:sts::111111111111:assumed-role/security-audit/alice',
      'arn:aws:iam::111111111111:user/mallory',
      'aws:111111111111:role/rotation-job',
      'oidc:https://issuer.example#job',
      'security-audit',
      'arn:aws:s3:::bucket',
    ].map(callerKeyOf);
    // Assess
    assert.deepEqual(keys, [
      'aws:111111111111:role/security-audit',
      'aws:111111111111:user/mallory',
      'aws:111111111111:role/rotation-job',
      'oidc:https://issuer.example#job',
      undefined,
      undefined,
    ]);
  });
});

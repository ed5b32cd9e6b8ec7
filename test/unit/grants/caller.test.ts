import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { awsCaller, callerPrincipal, callerRefKey, oidcCaller } from '../../../lib/grants/caller.js';

const ACCOUNT = '111111111111';
/** IAM role/user names and session names: [\w+=,.@-]. */
const IAM_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-'.split('');
const iamName = (min: number, max: number) =>
  fc.array(fc.constantFrom(...IAM_CHARS), { minLength: min, maxLength: max }).map((c) => c.join(''));
const accountId = fc
  .array(fc.constantFrom(...'0123456789'.split('')), { minLength: 12, maxLength: 12 })
  .map((d) => d.join(''));

describe('awsCaller: normalization (invariant 2)', () => {
  it('matches an assumed-role caller as its role and keeps the session name for attribution only', () => {
    // Prepare
    const arn = `arn:aws:sts::${ACCOUNT}:assumed-role/reporting-service/i-0abc123`;
    // Act
    const caller = awsCaller(arn);
    // Assess
    assert.deepEqual(caller, {
      kind: 'aws',
      principalArn: arn,
      account: ACCOUNT,
      principalType: 'role',
      name: 'reporting-service',
      sessionName: 'i-0abc123',
      key: `aws:${ACCOUNT}:role/reporting-service`,
    });
  });

  it('gives an assumed-role session the same key as the role ARN a grant names', () => {
    // Prepare
    const sessionArn = `arn:aws:sts::${ACCOUNT}:assumed-role/reporting-service/anything`;
    const grantRef = `arn:aws:iam::${ACCOUNT}:role/reporting-service`;
    // Act
    const sessionKey = awsCaller(sessionArn)?.key;
    const grantKey = callerRefKey(grantRef);
    // Assess
    assert.equal(sessionKey, grantKey);
  });

  it('matches IAM roles by account and name, whatever their path', () => {
    // Prepare
    const withPath = `arn:aws:iam::${ACCOUNT}:role/service-role/team/reporting-service`;
    // Act
    const caller = awsCaller(withPath);
    // Assess
    assert.equal(caller?.key, `aws:${ACCOUNT}:role/reporting-service`);
    assert.equal(caller?.kind === 'aws' ? caller.sessionName : 'not aws', undefined);
  });

  it('keeps users and roles of the same name apart', () => {
    // Prepare
    const role = `arn:aws:iam::${ACCOUNT}:role/deploy`;
    const user = `arn:aws:iam::${ACCOUNT}:user/deploy`;
    // Act
    const keys = [awsCaller(role)?.key, awsCaller(user)?.key];
    // Assess
    assert.deepEqual(keys, [`aws:${ACCOUNT}:role/deploy`, `aws:${ACCOUNT}:user/deploy`]);
  });

  for (const arn of [
    `arn:aws:iam::${ACCOUNT}:root`,
    `arn:aws:sts::${ACCOUNT}:federated-user/alice`,
    `arn:aws:sts::${ACCOUNT}:assumed-role/reporting-service`,
    `arn:aws:sts::${ACCOUNT}:assumed-role/reporting-service/s1/extra`,
    `arn:aws:sts::${ACCOUNT}:assumed-role/reporting-service/s`,
    `arn:aws:sts::11111111111:assumed-role/reporting-service/session`,
    `arn:aws:iam::${ACCOUNT}:group/admins`,
    `arn:aws:iam::${ACCOUNT}:role/reporting-service\n`,
    ` arn:aws:iam::${ACCOUNT}:role/reporting-service`,
    `arn:aws:iam::${ACCOUNT}:role/rep\u043erting-service`,
    `arn:evil:iam::${ACCOUNT}:role/reporting-service`,
    '',
    'reporting-service',
  ]) {
    it(`refuses the principal shape ${JSON.stringify(arn)}`, () => {
      // Prepare / Act
      const caller = awsCaller(arn);
      // Assess
      assert.equal(caller, undefined);
    });
  }

  it('property: an assumed-role key depends on account and role, never on the session name', () => {
    fc.assert(
      fc.property(accountId, iamName(1, 64), iamName(2, 64), iamName(2, 64), (account, role, s1, s2) => {
        // Prepare
        const arn = (session: string) => `arn:aws:sts::${account}:assumed-role/${role}/${session}`;
        // Act
        const first = awsCaller(arn(s1));
        const second = awsCaller(arn(s2));
        // Assess
        assert.equal(first?.key, `aws:${account}:role/${role}`);
        assert.equal(second?.key, first?.key);
        assert.equal(first?.kind === 'aws' ? first.sessionName : undefined, s1);
      }),
    );
  });

  it('property: a session named like another role never matches that role', () => {
    fc.assert(
      fc.property(iamName(1, 64), iamName(2, 64), (role, session) => {
        fc.pre(role !== session);
        // Prepare: a grant names the role whose name the attacker uses as session name.
        const grantedRoleKey = callerRefKey(`arn:aws:iam::${ACCOUNT}:role/${session}`);
        // Act
        const caller = awsCaller(`arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`);
        // Assess
        assert.ok(caller);
        assert.notEqual(caller.key, grantedRoleKey);
      }),
    );
  });
});

describe('oidcCaller', () => {
  it('keys on issuer and subject, and names the caller by subject', () => {
    // Prepare / Act
    const caller = oidcCaller('https://issuer.example.com', 'rotation-job');
    // Assess
    assert.equal(caller.key, 'oidc:https://issuer.example.com#rotation-job');
    assert.equal(caller.name, 'rotation-job');
    assert.equal(callerPrincipal(caller), 'https://issuer.example.com#rotation-job');
  });

  it('gives the same subject under two issuers two different keys', () => {
    // Prepare / Act
    const a = oidcCaller('https://a.example.com', 'ci');
    const b = oidcCaller('https://b.example.com', 'ci');
    // Assess
    assert.notEqual(a.key, b.key);
    assert.equal(a.key, callerRefKey({ issuer: 'https://a.example.com', subject: 'ci' }));
  });
});

describe('callerRefKey', () => {
  it('gives an unmatchable key to a reference that is not a caller shape', () => {
    // Prepare
    const ref = 'arn:aws:iam::111111111111:root';
    // Act
    const key = callerRefKey(ref);
    // Assess
    assert.equal(key, `invalid:${ref}`);
    assert.ok(!key.startsWith('aws:'));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { awsCaller, type Caller, oidcCaller } from '../../../lib/grants/caller.js';
import { roleSessionName, sourceIdentity } from '../../../lib/issuance/session-identity.js';
import { awsCallerOf, reportingCaller } from '../../support/grants.js';

/** What STS accepts for RoleSessionName and SourceIdentity (the AWS STS AssumeRole API reference). */
const STS_NAME = /^[\w+=,.@-]{2,64}$/;
const ULID = '01JGZ8Q6Y3K4M5N6P7Q8R9S0TV';

describe('roleSessionName and sourceIdentity (invariant 5)', () => {
  it('names the session after the role of the caller plus the issuance id tail', () => {
    // Prepare
    const caller = reportingCaller('i-0abc123');
    // Act
    const name = roleSessionName(caller, ULID);
    // Assess
    assert.equal(name, `reporting-service.${ULID.slice(-10)}`);
    assert.match(name, STS_NAME);
  });

  it('derives the source identity from the role, never from the session name the caller chose', () => {
    // Prepare: the caller's own session name pretends to be someone else.
    const caller = awsCallerOf('arn:aws:sts::111111111111:assumed-role/reporting-service/admin-user');
    // Act
    const identity = sourceIdentity(caller);
    const session = roleSessionName(caller, ULID);
    // Assess
    assert.equal(identity, 'reporting-service');
    assert.doesNotMatch(session, /admin-user/);
  });

  it('names an IAM user by its user name', () => {
    // Prepare
    const caller = awsCallerOf('arn:aws:iam::111111111111:user/alice');
    // Act
    const identity = sourceIdentity(caller);
    // Assess
    assert.equal(identity, 'alice');
  });

  it('prefixes an OIDC subject and replaces characters STS refuses', () => {
    // Prepare
    const caller = oidcCaller('https://issuer.example.com', 'repo:acme/app:ref:refs/heads/main');
    // Act
    const identity = sourceIdentity(caller);
    const session = roleSessionName(caller, ULID);
    // Assess
    assert.equal(identity, 'oidc.repo-acme-app-ref-refs-heads-main');
    assert.match(session, STS_NAME);
    assert.ok(session.endsWith(`.${ULID.slice(-10)}`));
  });

  it('pads a one-character name to the two-character minimum', () => {
    // Prepare
    const caller = awsCallerOf('arn:aws:iam::111111111111:role/a');
    // Act
    const identity = sourceIdentity(caller);
    // Assess
    assert.equal(identity, 'a-');
  });

  it('cuts a 64-character role name and keeps the unique issuance suffix', () => {
    // Prepare
    const longName = 'r'.repeat(64);
    const caller = awsCallerOf(`arn:aws:iam::111111111111:role/${longName}`);
    // Act
    const session = roleSessionName(caller, ULID);
    // Assess
    assert.equal(session.length, 64);
    assert.ok(session.endsWith(`.${ULID.slice(-10)}`));
    assert.equal(sourceIdentity(caller), longName);
  });

  it('never lets a source identity start with "aws:"', () => {
    // Prepare
    const caller = oidcCaller('https://issuer.example.com', 'aws:internal');
    const awsNamed = awsCaller('arn:aws:iam::111111111111:role/aws');
    // Act
    const identities = [sourceIdentity(caller), awsNamed ? sourceIdentity(awsNamed) : ''];
    // Assess
    for (const identity of identities) assert.doesNotMatch(identity, /^aws:/i);
  });
});

const anyText = fc.oneof(
  fc.string({ minLength: 1, maxLength: 300, unit: 'binary' }),
  fc.string({ minLength: 1, maxLength: 80, unit: 'grapheme' }),
  fc.string({ minLength: 1, maxLength: 80 }),
);

describe('session names are always valid for STS (property)', () => {
  it('for arbitrary OIDC subjects and issuance ids', () => {
    fc.assert(
      fc.property(anyText, fc.string({ maxLength: 40, unit: 'binary' }), (subject, issuanceId) => {
        // Prepare
        const caller: Caller = oidcCaller('https://issuer.example.com', subject);
        // Act
        const names = [roleSessionName(caller, issuanceId), sourceIdentity(caller)];
        // Assess
        for (const name of names) assert.match(name, STS_NAME);
      }),
      { numRuns: 2000 },
    );
  });

  it('for arbitrary AWS role names and session names', () => {
    const iamName = (min: number) => fc.stringMatching(new RegExp(`^[\\w+=,.@-]{${min},64}$`));
    fc.assert(
      fc.property(iamName(1), iamName(2), fc.string({ maxLength: 40 }), (role, session, issuanceId) => {
        // Prepare
        const caller = awsCallerOf(`arn:aws:sts::111111111111:assumed-role/${role}/${session}`);
        // Act
        const identity = sourceIdentity(caller);
        const name = roleSessionName(caller, issuanceId);
        // Assess
        assert.match(identity, STS_NAME);
        assert.match(name, STS_NAME);
        // Derived from the role, never the session name: padded or equal to the role.
        assert.ok(identity === role || identity === `${role}-`);
      }),
      { numRuns: 1000 },
    );
  });
});

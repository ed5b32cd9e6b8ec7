import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { awsCaller, type Caller, oidcCaller } from '../../../lib/grants/caller.js';
import { roleSessionName, sourceIdentity } from '../../../lib/issuance/session-identity.js';
import { awsCallerOf, reportingCaller } from '../../support/grants.js';

/** What STS accepts for RoleSessionName and SourceIdentity (the AWS STS AssumeRole API reference). */
const STS_NAME = /^[\w+=,.@-]{2,64}$/;
const ULID = '01JGZ8Q6Y3K4M5N6P7Q8R9S0TV';

/** The documented form: readable name, `.`, the first 12 base64url characters of SHA-256(caller key). */
const digestOf = (callerKey: string) =>
  createHash('sha256').update(callerKey).digest('base64url').slice(0, 12);

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
    assert.equal(identity, `reporting-service.${digestOf('aws:111111111111:role/reporting-service')}`);
    assert.doesNotMatch(identity, /admin-user/);
    assert.doesNotMatch(session, /admin-user/);
  });

  it('names an IAM user by its user name', () => {
    // Prepare
    const caller = awsCallerOf('arn:aws:iam::111111111111:user/alice');
    // Act
    const identity = sourceIdentity(caller);
    // Assess
    assert.equal(identity, `alice.${digestOf('aws:111111111111:user/alice')}`);
  });

  it('prefixes an OIDC subject and replaces characters STS refuses', () => {
    // Prepare
    const caller = oidcCaller('https://issuer.example.com', 'repo:acme/app:ref:refs/heads/main');
    // Act
    const identity = sourceIdentity(caller);
    const session = roleSessionName(caller, ULID);
    // Assess
    assert.equal(
      identity,
      `oidc.repo-acme-app-ref-refs-heads-main.${digestOf('oidc:https://issuer.example.com#repo:acme/app:ref:refs/heads/main')}`,
    );
    assert.match(session, STS_NAME);
    assert.ok(session.endsWith(`.${ULID.slice(-10)}`));
  });

  it('keeps a one-character name readable and still long enough for STS', () => {
    // Prepare
    const caller = awsCallerOf('arn:aws:iam::111111111111:role/a');
    // Act
    const identity = sourceIdentity(caller);
    // Assess
    assert.equal(identity, `a.${digestOf('aws:111111111111:role/a')}`);
    assert.match(identity, STS_NAME);
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
    assert.equal(
      sourceIdentity(caller),
      `${'r'.repeat(51)}.${digestOf(`aws:111111111111:role/${longName}`)}`,
    );
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
  fc.string({ maxLength: 300, unit: 'binary' }),
  fc.string({ minLength: 1, maxLength: 80, unit: 'grapheme' }),
  fc.string({ minLength: 1, maxLength: 80 }),
);

describe('session names are always valid for STS (property)', () => {
  it('pads an empty subject with an empty issuance id to the 2-character minimum', () => {
    // Act
    const name = roleSessionName(oidcCaller('https://issuer.example.com', ''), '');
    // Assess
    assert.match(name, STS_NAME);
    assert.ok(name.startsWith('.'));
  });

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
        // Derived from the role, never the session name: the role (cut to fit) and its digest.
        assert.equal(identity, `${role.slice(0, 51)}.${digestOf(`aws:111111111111:role/${role}`)}`);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('two distinct callers never share a SourceIdentity (property)', () => {
  const iamName = fc.stringMatching(/^[\w+=,.@-]{1,64}$/);
  const account = fc.stringMatching(/^\d{12}$/);
  const awsPrincipal = fc
    .tuple(account, fc.constantFrom('role', 'user'), iamName)
    .map(([id, type, name]) => awsCallerOf(`arn:aws:iam::${id}:${type}/${name}`));
  const oidcPrincipal = fc
    .tuple(
      fc.constantFrom('https://token.actions.githubusercontent.com', 'https://issuer.example.com'),
      fc.string({ minLength: 1, maxLength: 120 }),
    )
    .map(([issuer, subject]) => oidcCaller(issuer, subject));
  const anyCaller = fc.oneof(awsPrincipal, oidcPrincipal);

  it('for arbitrary AWS and OIDC callers, names cut at 64 characters included', () => {
    fc.assert(
      fc.property(anyCaller, anyCaller, (first, second) => {
        fc.pre(first.key !== second.key);
        assert.notEqual(sourceIdentity(first), sourceIdentity(second));
      }),
      { numRuns: 5000 },
    );
  });

  it('for the collisions a readable name alone would make', () => {
    // Prepare: same name in two accounts, a role and a user of one name, a role named like an
    // OIDC identity, and two long names equal in their first 64 characters.
    const long = 'x'.repeat(64);
    const pairs: [Caller, Caller][] = [
      [awsCallerOf('arn:aws:iam::111111111111:role/svc'), awsCallerOf('arn:aws:iam::222222222222:role/svc')],
      [awsCallerOf('arn:aws:iam::111111111111:role/svc'), awsCallerOf('arn:aws:iam::111111111111:user/svc')],
      [
        awsCallerOf('arn:aws:iam::111111111111:role/oidc.svc'),
        oidcCaller('https://issuer.example.com', 'svc'),
      ],
      [
        oidcCaller('https://issuer.example.com', `${long}a`),
        oidcCaller('https://issuer.example.com', `${long}b`),
      ],
      [oidcCaller('https://a.example.com', 'svc'), oidcCaller('https://b.example.com', 'svc')],
    ];
    // Act / Assess
    for (const [first, second] of pairs) assert.notEqual(sourceIdentity(first), sourceIdentity(second));
  });
});

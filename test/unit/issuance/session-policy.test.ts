import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { chooseSessionPolicy } from '../../../lib/issuance/session-policy.js';
import { awsGrantOf, REPORTS_CEILING, volcengineGrantOf } from '../../support/grants.js';
import { refusal } from '../../support/refusal.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const statement = (fields: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports-bucket/2024/*', ...fields },
  ],
});

describe('chooseSessionPolicy (invariant 7)', () => {
  it('sends no policy when neither grant nor request has one', () => {
    // Prepare
    const grant = awsGrantOf();
    // Act
    const chosen = chooseSessionPolicy(grant, undefined);
    // Assess
    assert.deepEqual(chosen, { source: 'none', size: 0 });
  });

  it("sends the grant's ceiling when the request has no policy", () => {
    // Prepare
    const grant = awsGrantOf({ policy: REPORTS_CEILING });
    // Act
    const chosen = chooseSessionPolicy(grant, undefined);
    // Assess
    assert.equal(chosen.source, 'ceiling');
    assert.deepEqual(JSON.parse(chosen.document ?? 'null'), REPORTS_CEILING);
    assert.equal(chosen.size, chosen.document?.length);
    assert.equal(chosen.sha256, sha256(chosen.document ?? ''));
    assert.doesNotMatch(chosen.document ?? '', /\s/);
  });

  it('sends a request policy contained in the ceiling, with the verdict', () => {
    // Prepare
    const grant = awsGrantOf({ policy: REPORTS_CEILING });
    const requested = statement({});
    // Act
    const chosen = chooseSessionPolicy(grant, requested);
    // Assess
    assert.equal(chosen.source, 'request');
    assert.deepEqual(JSON.parse(chosen.document ?? 'null'), requested);
    assert.equal(chosen.containment?.contained, true);
    assert.equal(chosen.sha256, sha256(chosen.document ?? ''));
  });

  for (const [label, requested] of [
    ['a wider action', statement({ Action: 's3:*' })],
    ['another bucket', statement({ Resource: 'arn:aws:s3:::payroll-bucket/*' })],
    ['every resource', statement({ Resource: '*' })],
    ['a write action', statement({ Action: ['s3:GetObject', 's3:PutObject'] })],
  ] as const) {
    it(`refuses a request policy outside the ceiling (${label})`, () => {
      // Prepare
      const grant = awsGrantOf({ policy: REPORTS_CEILING });
      // Act
      const error = refusal(() => chooseSessionPolicy(grant, requested));
      // Assess
      assert.equal(error.status, 400);
      assert.equal(error.code, 'policy_outside_ceiling');
      assert.ok((error.fields ?? []).length > 0);
      for (const field of error.fields ?? []) assert.equal(field.path, 'policy');
    });
  }

  for (const [label, requested] of [
    ['NotAction', statement({ Action: undefined, NotAction: 's3:DeleteObject' })],
    ['NotResource', statement({ Resource: undefined, NotResource: 'arn:aws:s3:::x' })],
    ['Principal', statement({ Principal: '*' })],
    ['NotPrincipal', statement({ NotPrincipal: { AWS: '*' } })],
    ['a Deny statement', statement({ Effect: 'Deny' })],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a JS template
    ['a policy variable', statement({ Resource: 'arn:aws:s3:::reports-bucket/${aws:username}/*' })],
    ['a non-ASCII action', statement({ Action: 's3:G\u0435tObject' })],
    ['a non-ASCII resource', statement({ Resource: 'arn:aws:s3:::r\u0435ports-bucket/*' })],
  ] as const) {
    it(`refuses a request policy with ${label} even without a ceiling`, () => {
      // Prepare: no ceiling, so only the request grammar stands in the way.
      const grant = awsGrantOf();
      // Act
      const error = refusal(() => chooseSessionPolicy(grant, requested));
      // Assess
      assert.equal(error.status, 400);
      assert.ok(['invalid_policy', 'policy_outside_ceiling'].includes(error.code), error.code);
      assert.ok((error.fields ?? []).every((f) => f.path.startsWith('policy')));
    });
  }

  it('refuses a request whose Condition differs from the condition of the ceiling', () => {
    // Prepare: the ceiling allows reads only over TLS; the request swaps the condition.
    const conditioned = { Bool: { 'aws:SecureTransport': 'true' } };
    const ceiling = {
      Version: '2012-10-17',
      Statement: [{ ...REPORTS_CEILING.Statement[0], Condition: conditioned }],
    };
    const grant = awsGrantOf({ policy: ceiling });
    const other = statement({ Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } });
    const same = statement({ Condition: conditioned });
    const none = statement({});
    // Act
    const otherError = refusal(() => chooseSessionPolicy(grant, other));
    const noneError = refusal(() => chooseSessionPolicy(grant, none));
    const accepted = chooseSessionPolicy(grant, same);
    // Assess
    assert.equal(otherError.code, 'policy_outside_ceiling');
    assert.equal(noneError.code, 'policy_outside_ceiling');
    assert.equal(accepted.containment?.contained, true);
  });

  it('reports grammar problems with paths under policy', () => {
    // Prepare
    const grant = awsGrantOf();
    // Act
    const error = refusal(() => chooseSessionPolicy(grant, statement({ NotResource: 'arn:aws:s3:::x' })));
    // Assess
    assert.equal(error.code, 'invalid_policy');
    assert.ok(
      (error.fields ?? []).some((f) => f.path.startsWith('policy.Statement[0]')),
      JSON.stringify(error.fields),
    );
  });

  it("sends the ceiling's overlapping Deny statements with the request, without their Sid", () => {
    // Prepare
    const privateDeny = {
      Sid: 'NoPrivate',
      Effect: 'Deny',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::reports-bucket/private/*',
    };
    const unrelatedDeny = { Effect: 'Deny', Action: 'ec2:*', Resource: '*' };
    const ceiling = {
      ...REPORTS_CEILING,
      Statement: [...REPORTS_CEILING.Statement, privateDeny, unrelatedDeny],
    };
    const requested = statement({ Resource: 'arn:aws:s3:::reports-bucket/*' });
    // Act
    const chosen = chooseSessionPolicy(awsGrantOf({ policy: ceiling }), requested);
    // Assess
    const sent = JSON.parse(chosen.document ?? 'null');
    assert.deepEqual(sent.Statement, [
      ...requested.Statement,
      { Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::reports-bucket/private/*'] },
    ]);
    assert.deepEqual(chosen.containment?.ceilingDenies, [1]);
    assert.equal(chosen.size, chosen.document?.length);
    assert.equal(chosen.sha256, sha256(chosen.document ?? ''));
  });

  it('checks the request alone, and refuses the overlap, when the Denies would not fit in 2048 characters', () => {
    // Prepare: a Deny that overlaps the request and is too long to send with it.
    const longDeny = {
      Effect: 'Deny',
      Action: 's3:GetObject',
      Resource: Array.from({ length: 30 }, (_, i) => `arn:aws:s3:::reports-bucket/private-${i}/*`),
    };
    const ceiling = { ...REPORTS_CEILING, Statement: [...REPORTS_CEILING.Statement, longDeny] };
    const clearResources = Array.from({ length: 20 }, (_, i) => `arn:aws:s3:::reports-bucket/${i}/*`);
    const requested = statement({ Resource: ['arn:aws:s3:::reports-bucket/*', ...clearResources] });
    const clear = statement({ Resource: clearResources });
    // Act
    const error = refusal(() => chooseSessionPolicy(awsGrantOf({ policy: ceiling }), requested));
    const accepted = chooseSessionPolicy(awsGrantOf({ policy: ceiling }), clear);
    // Assess
    assert.equal(error.code, 'policy_outside_ceiling');
    const messages = (error.fields ?? []).map((f) => f.message).join('\n');
    assert.match(messages, /ceiling Deny statement 1 .* may match it/);
    assert.match(messages, /would be \d+ characters \(at most 2048\)/);
    assert.deepEqual(JSON.parse(accepted.document ?? 'null'), clear);
  });

  it('sends the Denies with a request that makes exactly 2048 characters with them, and not at 2049', () => {
    // Prepare: the request reaches the ceiling's Deny on private/*; only its padding varies.
    const deny = {
      Effect: 'Deny',
      Action: ['s3:GetObject'],
      Resource: ['arn:aws:s3:::reports-bucket/private/*'],
    };
    const ceiling = { ...REPORTS_CEILING, Statement: [...REPORTS_CEILING.Statement, deny] };
    const requestOf = (padding: number) =>
      statement({
        Resource: ['arn:aws:s3:::reports-bucket/*', `arn:aws:s3:::reports-bucket/${'p'.repeat(padding)}/*`],
      });
    // The document the broker sends: the request's statements, then the Deny (as documented).
    const sentLength = (padding: number) => {
      const requested = requestOf(padding);
      return JSON.stringify({ ...requested, Statement: [...requested.Statement, deny] }).length;
    };
    const fits = 2048 - sentLength(0);
    const grant = awsGrantOf({ policy: ceiling });
    // Act
    const atLimit = chooseSessionPolicy(grant, requestOf(fits));
    const error = refusal(() => chooseSessionPolicy(grant, requestOf(fits + 1)));
    // Assess
    assert.equal(atLimit.size, 2048);
    assert.deepEqual(JSON.parse(atLimit.document ?? 'null').Statement.at(-1), deny);
    assert.deepEqual(atLimit.containment?.ceilingDenies, [1]);
    assert.equal(error.code, 'policy_outside_ceiling');
    const messages = (error.fields ?? []).map((f) => f.message).join('\n');
    assert.match(messages, /would be 2049 characters \(at most 2048\)/);
  });

  it('names every Deny it could not append, separated, when they do not fit', () => {
    // Prepare: two overlapping Denies (ceiling statements 1 and 2), too long together to send.
    const denyOf = (prefix: string) => ({
      Effect: 'Deny',
      Action: 's3:GetObject',
      Resource: Array.from({ length: 15 }, (_, i) => `arn:aws:s3:::reports-bucket/${prefix}-${i}/*`),
    });
    const ceiling = {
      ...REPORTS_CEILING,
      Statement: [...REPORTS_CEILING.Statement, denyOf('private'), denyOf('secret')],
    };
    const clearResources = Array.from({ length: 20 }, (_, i) => `arn:aws:s3:::reports-bucket/${i}/*`);
    const requested = statement({ Resource: ['arn:aws:s3:::reports-bucket/*', ...clearResources] });
    // Act
    const error = refusal(() => chooseSessionPolicy(awsGrantOf({ policy: ceiling }), requested));
    // Assess
    const messages = (error.fields ?? []).map((f) => f.message).join('\n');
    assert.match(messages, /With the ceiling's Deny statements 1, 2 appended/);
  });

  it('refuses an AWS policy larger than 2048 characters once minified', () => {
    // Prepare
    const resources = Array.from({ length: 60 }, (_, i) => `arn:aws:s3:::reports-bucket/prefix-${i}/*`);
    const requested = statement({ Resource: resources });
    // Act
    const error = refusal(() => chooseSessionPolicy(awsGrantOf(), requested));
    // Assess
    assert.ok(JSON.stringify(requested).length > 2048);
    assert.equal(error.status, 400);
  });

  it('sends a request policy as is when the grant has no ceiling', () => {
    // Prepare
    const requested = statement({});
    // Act
    const chosen = chooseSessionPolicy(awsGrantOf(), requested);
    // Assess
    assert.equal(chosen.source, 'request');
    assert.equal(chosen.containment, undefined);
  });

  it('answers 500 (hidden) when a ceiling that bypassed validation does not parse', () => {
    // Prepare
    const grant = awsGrantOf({ policy: { Statement: [{ Effect: 'Allow', NotAction: '*', Resource: '*' }] } });
    // Act
    const error = refusal(() => chooseSessionPolicy(grant, undefined));
    // Assess
    assert.equal(error.status, 500);
    assert.equal(error.expose, false);
    assert.equal(error.code, 'grant_misconfigured');
    assert.match(error.internalReason ?? '', new RegExp(`ceiling policy of ${grant.id} `));
  });

  it('checks Volcengine policies against a TRN ceiling', () => {
    // Prepare
    const ceiling = {
      Statement: [{ Effect: 'Allow', Action: ['tos:GetObject'], Resource: ['trn:tos:::reports/*'] }],
    };
    const grant = volcengineGrantOf({ policy: ceiling });
    const inside = {
      Statement: [{ Effect: 'Allow', Action: ['tos:GetObject'], Resource: ['trn:tos:::reports/2024/*'] }],
    };
    const outside = {
      Statement: [{ Effect: 'Allow', Action: ['tos:PutObject'], Resource: ['trn:tos:::reports/*'] }],
    };
    // Act
    const accepted = chooseSessionPolicy(grant, inside);
    const error = refusal(() => chooseSessionPolicy(grant, outside));
    // Assess
    assert.equal(accepted.containment?.contained, true);
    assert.equal(error.code, 'policy_outside_ceiling');
  });
});

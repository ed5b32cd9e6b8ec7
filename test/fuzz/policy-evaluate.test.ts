import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Policy } from '../../lib/policy/index.js';
import { evaluate } from './policy-evaluate.js';

const role: Policy = {
  statements: [
    { effect: 'Allow', actions: ['s3:*'], resources: ['arn:aws:s3:::bucket/*'] },
    { effect: 'Deny', actions: ['s3:DeleteObject'], resources: ['arn:aws:s3:::bucket/keep/*'] },
  ],
};
const session: Policy = {
  statements: [{ sid: 'Read', effect: 'Allow', actions: ['s3:Get*'], resources: ['*'] }],
};

describe('evaluate', () => {
  it('allows only what every policy allows', () => {
    // Act
    const read = evaluate([role, session], 's3:GetObject', 'arn:aws:s3:::bucket/a', 'aws');
    const write = evaluate([role, session], 's3:PutObject', 'arn:aws:s3:::bucket/a', 'aws');
    // Assess
    assert.equal(read.decision, 'allowed');
    assert.ok(read.reasons.includes('policy 1 statement 0 (Read) allows it'));
    assert.equal(write.decision, 'implicit-deny');
    assert.ok(write.reasons.includes('policy 1 has no unconditional Allow for it'));
  });

  it('lets an explicit Deny win over any Allow', () => {
    // Act
    const result = evaluate([role], 's3:deleteobject', 'arn:aws:s3:::bucket/keep/x', 'aws');
    // Assess
    assert.equal(result.decision, 'explicit-deny');
    assert.ok(result.reasons.includes('policy 0 statement 1 denies it'));
  });

  it('compares actions without case and resources with case', () => {
    // Act / Assess
    assert.equal(evaluate([role], 'S3:GETOBJECT', 'arn:aws:s3:::bucket/a', 'aws').decision, 'allowed');
    assert.equal(evaluate([role], 's3:GetObject', 'arn:aws:s3:::Bucket/a', 'aws').decision, 'implicit-deny');
  });

  it('matches Allow resources segment by segment and Deny resources across segments', () => {
    // Prepare
    const policy: Policy = {
      statements: [
        { effect: 'Allow', actions: ['*'], resources: ['arn:aws:s3:*', 'arn:aws:sqs:*:*:queue'] },
        { effect: 'Deny', actions: ['*'], resources: ['arn:aws:sns:*'] },
      ],
    };
    // Act / Assess
    assert.equal(evaluate([policy], 's3:GetObject', 'arn:aws:s3:::bucket', 'aws').decision, 'implicit-deny');
    assert.equal(
      evaluate([policy], 'sqs:SendMessage', 'arn:aws:sqs:eu-west-1:1:queue', 'aws').decision,
      'allowed',
    );
    assert.equal(
      evaluate([policy], 'sqs:SendMessage', 'arn:aws:sqs:eu:west:1:queue', 'aws').decision,
      'implicit-deny',
    );
    assert.equal(
      evaluate([policy], 'sns:Publish', 'arn:aws:sns:eu-west-1:1:topic', 'aws').decision,
      'explicit-deny',
    );
  });

  it('does not count a conditional Allow and does count a conditional Deny', () => {
    // Prepare
    const condition = { Bool: { 'aws:SecureTransport': 'true' } };
    const conditional: Policy = {
      statements: [
        { effect: 'Allow', actions: ['s3:*'], resources: ['*'], condition },
        { effect: 'Allow', actions: ['ec2:*'], resources: ['*'] },
        { effect: 'Deny', actions: ['ec2:Terminate*'], resources: ['*'], condition },
      ],
    };
    // Act
    const s3 = evaluate([conditional], 's3:GetObject', 'arn:aws:s3:::b', 'aws');
    const terminate = evaluate([conditional], 'ec2:TerminateInstances', '*', 'aws');
    // Assess
    assert.equal(s3.decision, 'implicit-deny');
    assert.match(s3.reasons.join('\n'), /only under its Condition/);
    assert.equal(terminate.decision, 'explicit-deny');
    assert.match(terminate.reasons.join('\n'), /Condition is assumed to hold/);
  });

  it('denies when there is no policy at all', () => {
    // Act / Assess
    assert.equal(evaluate([], 's3:GetObject', 'arn:aws:s3:::b', 'aws').decision, 'implicit-deny');
  });

  it('uses TRN segments for Volcengine', () => {
    // Prepare
    const policy: Policy = {
      statements: [{ effect: 'Allow', actions: ['iam:Get*'], resources: ['trn:iam::2100:role/*'] }],
    };
    // Act / Assess
    assert.equal(evaluate([policy], 'iam:GetRole', 'trn:iam::2100:role/x', 'volcengine').decision, 'allowed');
    assert.equal(
      evaluate([policy], 'iam:GetRole', 'trn:iam::2101:role/x', 'volcengine').decision,
      'implicit-deny',
    );
  });
});

/**
 * The independent IAM oracle (test/support/iam-oracle.ts) checked against the documented
 * examples it is built from: if the oracle were wrong, the soundness property would prove
 * nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  actionRegExp,
  allows,
  checkSamples,
  contextsOf,
  decide,
  type OraclePolicy,
  type Reading,
  readingsOf,
  resourceRegExp,
} from '../support/iam-oracle.js';

const [bySegment, expanding] = readingsOf('aws') as [Reading, Reading];

const policy = (...Statement: OraclePolicy['Statement'][]): OraclePolicy => ({
  Version: '2012-10-17',
  Statement: Statement.flat(),
});

describe('IAM oracle: documented matching rules', () => {
  it('compares actions case-insensitively as one glob, and only ASCII letters fold', () => {
    assert.ok(actionRegExp('s3:GetObject').test('S3:GETOBJECT'));
    assert.ok(actionRegExp('ec2:Authorize*').test('ec2:AUTHORIZESECURITYGROUPINGRESS'));
    assert.ok(actionRegExp('s3:Z?').test('S3:zq'));
    assert.ok(actionRegExp('*').test('iam:PassRole'));
    assert.ok(!actionRegExp('s3:Get?').test('s3:Get'));
    // The punctuation next to the case ranges is not a letter: `@`/`` ` ``, `[`/`{`, `\`/`|`, `]`/`}`, `^`/`~`.
    for (const [left, right] of [
      ['@', '`'],
      ['[', '{'],
      ['\\', '|'],
      [']', '}'],
      ['^', '~'],
    ]) {
      assert.ok(!actionRegExp(`s:${left}`).test(`s:${right}`), `${left} is not ${right}`);
    }
  });

  it('treats every RegExp metacharacter in a pattern as itself', () => {
    assert.ok(actionRegExp('s:a.b').test('s:a.b'));
    assert.ok(!actionRegExp('s:a.b').test('s:axb'));
    assert.ok(actionRegExp('s:[a]^$\\(').test('s:[a]^$\\('));
    assert.ok(!actionRegExp('s:[ab]').test('s:a'));
    assert.ok(!resourceRegExp('arn:aws:s3:::a+', bySegment).test('arn:aws:s3:::aa'));
  });

  it('compares ARNs case-sensitively, `*` alone matching every resource', () => {
    assert.ok(resourceRegExp('arn:aws:s3:::bucket/*', bySegment).test('arn:aws:s3:::bucket/a/b'));
    assert.ok(!resourceRegExp('arn:aws:s3:::bucket/*', bySegment).test('arn:aws:s3:::BUCKET/a'));
    assert.ok(resourceRegExp('*', bySegment).test('trn:tos::2100000001:bucket'));
  });

  it('keeps `*` and `?` inside a segment, except a segment-ending `*` in the expanding reading', () => {
    const middle = 'arn:aws:s3:*:1:x';
    assert.ok(resourceRegExp(middle, bySegment).test('arn:aws:s3:us-east-1:1:x'));
    assert.ok(!resourceRegExp(middle, bySegment).test('arn:aws:s3:a:b:1:x'));
    assert.ok(resourceRegExp(middle, expanding).test('arn:aws:s3:a:b:1:x'));
    assert.ok(!resourceRegExp('arn:aws:s3:a*b:1:x', expanding).test('arn:aws:s3:a:b:1:x'));
    assert.ok(!resourceRegExp('arn:aws:s3:a?b:1:x', expanding).test('arn:aws:s3:a:b:1:x'));
    // The resource segment is everything after the fifth colon, colons included.
    assert.ok(
      resourceRegExp('arn:aws:logs:r:1:log-group:/x:*', bySegment).test(
        'arn:aws:logs:r:1:log-group:/x:log-stream:y',
      ),
    );
  });

  it('offers both case readings for Volcengine, which documents neither', () => {
    const readings = readingsOf('volcengine');
    assert.equal(readings.length, 8);
    assert.ok(
      readings.some((r) => r.caseInsensitiveActions) && readings.some((r) => !r.caseInsensitiveActions),
    );
    assert.ok(
      readings.some((r) => r.caseInsensitiveResources) && readings.some((r) => !r.caseInsensitiveResources),
    );
  });
});

describe('IAM oracle: decisions', () => {
  const tls = { Bool: { 'aws:SecureTransport': 'true' } };

  it('lets an explicit Deny win, and allows only what an Allow names', () => {
    const document = policy(
      { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
      { Effect: 'Deny', Action: 'ec2:Authorize*', Resource: '*' },
    );
    assert.equal(
      decide(document, 'ec2:DescribeInstances', 'arn:aws:ec2:r:1:instance/i', bySegment),
      'allowed',
    );
    assert.equal(
      decide(document, 'EC2:AUTHORIZEX', 'arn:aws:ec2:r:1:instance/i', bySegment),
      'explicit-deny',
    );
    assert.equal(decide(document, 's3:GetObject', 'arn:aws:s3:::b', bySegment), 'implicit-deny');
  });

  it('applies a conditional statement only in contexts where its Condition holds', () => {
    const document = policy({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: tls });
    const reordered = policy({
      Effect: 'Allow',
      Action: 's3:*',
      Resource: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'true' } },
    });
    const contexts = contextsOf(document, reordered);
    assert.equal(contexts.length, 2, 'one Condition, by value: holds or not');
    const verdicts = contexts.map((context) =>
      allows(document, 's3:GetObject', 'arn:aws:s3:::b', bySegment, context),
    );
    assert.deepEqual(verdicts.sort(), [false, true]);
  });

  it('finds the escape of a request that dodges a ceiling Deny by letter case', () => {
    const ceiling = policy(
      { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
      { Effect: 'Deny', Action: 'ec2:Authorize*', Resource: '*' },
    );
    const request = policy({ Effect: 'Allow', Action: 'ec2:AUTHORIZESECURITYGROUPINGRESS', Resource: '*' });
    const pairs: [string, string][] = [
      ['ec2:AUTHORIZESECURITYGROUPINGRESS', 'arn:aws:ec2:r:1:security-group/sg'],
    ];
    const { witnessed, escaped } = checkSamples(request, ceiling, 'aws', pairs);
    assert.equal(witnessed, 1);
    assert.equal(escaped?.action, 'ec2:AUTHORIZESECURITYGROUPINGRESS');
  });

  it('finds no escape for a contained request, and counts its witnesses', () => {
    const ceiling = policy({ Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::reports/*' });
    const request = policy({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::reports/daily/*',
    });
    const pairs: [string, string][] = [
      ['s3:getobject', 'arn:aws:s3:::reports/daily/x'],
      ['s3:GetObject', 'arn:aws:s3:::other/x'],
    ];
    assert.deepEqual(checkSamples(request, ceiling, 'aws', pairs), { witnessed: 1, escaped: undefined });
  });
});

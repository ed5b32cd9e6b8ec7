import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PolicyIssue, parsePolicyDocument, parsePolicyText } from '../../../lib/policy/index.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal policy variable is the input under test
const USERNAME_VARIABLE = '${aws:username}';
const allowStatement = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' };

function issuesOf(
  document: unknown,
  side: 'request' | 'ceiling' = 'request',
  dialect: 'aws' | 'volcengine' = 'aws',
) {
  const result = parsePolicyDocument(document, dialect, side);
  assert.equal(result.ok, false, 'expected the policy to be rejected');
  return result.ok ? [] : result.issues;
}

function assertIssue(issues: PolicyIssue[], path: string, reason: RegExp): void {
  const found = issues.find((issue) => issue.path === path);
  assert.ok(found, `no issue at ${path}; got ${JSON.stringify(issues)}`);
  assert.match(found.reason, reason);
}

describe('parsePolicyDocument', () => {
  it('accepts the restricted grammar and normalises strings to lists', () => {
    // Prepare
    const document = {
      Version: '2012-10-17',
      Statement: { Sid: 'Read1', ...allowStatement, Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
    };
    // Act
    const result = parsePolicyDocument(document, 'aws', 'request');
    // Assess
    assert.ok(result.ok);
    assert.deepEqual(result.policy, {
      version: '2012-10-17',
      statements: [
        {
          sid: 'Read1',
          effect: 'Allow',
          actions: ['s3:GetObject'],
          resources: ['arn:aws:s3:::bucket/*'],
          condition: { Bool: { 'aws:SecureTransport': 'true' } },
        },
      ],
    });
    assert.equal(result.minified, JSON.stringify(document));
    assert.equal(result.size, result.minified.length);
  });

  it('rejects NotAction, NotResource, Principal and NotPrincipal with their path', () => {
    for (const key of ['NotAction', 'NotResource', 'Principal', 'NotPrincipal']) {
      // Prepare
      const document = { Statement: [allowStatement, { ...allowStatement, [key]: '*' }] };
      for (const side of ['request', 'ceiling'] as const) {
        // Act
        const issues = issuesOf(document, side);
        // Assess
        assertIssue(issues, `$.Statement[1].${key}`, new RegExp(key));
      }
    }
  });

  it('rejects policy variables in actions, resources and conditions', () => {
    // Prepare
    const document = {
      Statement: [
        { ...allowStatement, Resource: [`arn:aws:s3:::bucket/${USERNAME_VARIABLE}/*`] },
        { ...allowStatement, Condition: { StringLike: { 's3:prefix': [`home/${USERNAME_VARIABLE}/`] } } },
      ],
    };
    // Act
    const issues = issuesOf(document, 'ceiling');
    // Assess
    assertIssue(issues, '$.Statement[0].Resource[0]', /policy variables/);
    assertIssue(issues, '$.Statement[1].Condition.StringLike["s3:prefix"]', /policy variables/);
  });

  it('rejects non-ASCII lookalikes such as U+FF0A and control characters', () => {
    // Prepare
    const document = {
      Statement: [
        { ...allowStatement, Resource: 'arn:aws:s3:::bucket/\uFF0A' },
        { ...allowStatement, Action: ['s3:GetObject', 's3:Get\u0000Object'] },
      ],
    };
    // Act
    const issues = issuesOf(document);
    // Assess
    assertIssue(issues, '$.Statement[0].Resource', /U\+FF0A at index 20/);
    assertIssue(issues, '$.Statement[1].Action[1]', /U\+0000/);
  });

  it('rejects empty arrays and unknown keys', () => {
    // Prepare
    const document = {
      Id: 'x',
      Statement: [
        { ...allowStatement, Action: [] },
        { ...allowStatement, Resource: [] },
        { ...allowStatement, Foo: 1 },
      ],
    };
    // Act
    const issues = issuesOf(document);
    // Assess
    assertIssue(issues, '$.Id', /unknown key "Id"/);
    assertIssue(issues, '$.Statement[0].Action', /non-empty array/);
    assertIssue(issues, '$.Statement[1].Resource', /non-empty array/);
    assertIssue(issues, '$.Statement[2].Foo', /unknown key "Foo"/);
    assertIssue(issuesOf({ Statement: [] }), '$.Statement', /non-empty array/);
    assertIssue(issuesOf({ Version: '2012-10-17' }), '$.Statement', /required/);
  });

  it('lets only the ceiling Deny', () => {
    // Prepare
    const document = { Statement: { ...allowStatement, Effect: 'Deny' } };
    // Act
    const request = parsePolicyDocument(document, 'aws', 'request');
    const ceiling = parsePolicyDocument(document, 'aws', 'ceiling');
    // Assess
    assert.equal(request.ok, false);
    assert.ok(ceiling.ok);
    assertIssue(
      issuesOf({ Statement: { ...allowStatement, Effect: 'allow' } }, 'ceiling'),
      '$.Statement.Effect',
      /"Allow" or "Deny"/,
    );
  });

  it('requires full ARNs in a request and TRNs for Volcengine, but lets a ceiling use short patterns', () => {
    // Prepare
    const short = { Statement: { ...allowStatement, Resource: 'arn:aws:s3:*' } };
    const trn = {
      Statement: { Effect: 'Allow', Action: 'tos:GetObject', Resource: 'trn:tos::2100:bucket/x' },
    };
    // Act / Assess
    assertIssue(issuesOf(short), '$.Statement.Resource', /arn:partition:service:region:account:resource/);
    assert.ok(parsePolicyDocument(short, 'aws', 'ceiling').ok);
    assert.ok(parsePolicyDocument(trn, 'volcengine', 'request').ok);
    assertIssue(issuesOf(trn, 'request', 'aws'), '$.Statement.Resource', /arn:/);
  });

  it('rejects malformed actions, Sids and Versions', () => {
    // Prepare
    const document = {
      Version: '2012-10-18',
      Statement: [
        { ...allowStatement, Action: 's3GetObject' },
        { ...allowStatement, Action: 's3:Get:Object' },
        { ...allowStatement, Sid: 'has space' },
      ],
    };
    // Act
    const issues = issuesOf(document);
    // Assess
    assertIssue(issues, '$.Version', /2012-10-17/);
    assertIssue(issues, '$.Statement[0].Action', /service:ActionName/);
    assertIssue(issues, '$.Statement[1].Action', /service:ActionName/);
    assertIssue(issues, '$.Statement[2].Sid', /letters and digits/);
  });

  it('reports the minified size and rejects more than 2048 characters for AWS only', () => {
    // Prepare
    const resources = Array.from({ length: 60 }, (_, index) => `arn:aws:s3:::bucket-${index}/some/prefix/*`);
    const document = { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: resources } };
    const size = JSON.stringify(document).length;
    // Act
    const issues = issuesOf(document);
    const volcengine = parsePolicyDocument(
      {
        Statement: {
          ...document.Statement,
          Resource: resources.map((r) => r.replace('arn:aws:s3:::', 'trn:tos:::')),
        },
      },
      'volcengine',
      'request',
    );
    // Assess
    assert.ok(size > 2048);
    assertIssue(issues, '$', new RegExp(`minified policy is ${size} characters; AWS accepts at most 2048`));
    assert.ok(volcengine.ok);
  });

  it('rejects a document that is not an object', () => {
    // Act / Assess
    assertIssue(issuesOf([allowStatement]), '$', /JSON object/);
    assertIssue(issuesOf({ Statement: ['x'] }), '$.Statement[0]', /JSON object/);
  });
});

describe('parsePolicyText', () => {
  it('detects duplicate keys from the text, which a parsed object cannot show', () => {
    // Prepare
    const text = '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Action":"*"}]}';
    // Act
    const result = parsePolicyText(text, 'aws', 'request');
    // Assess
    assert.equal(result.ok, false);
    if (!result.ok) assertIssue(result.issues, '$.Statement[0]', /duplicate key "Action"/);
  });

  it('parses a valid text the same way as its document', () => {
    // Prepare
    const document = { Version: '2012-10-17', Statement: [allowStatement] };
    // Act
    const fromText = parsePolicyText(JSON.stringify(document, null, 2), 'aws', 'request');
    // Assess
    assert.deepEqual(fromText, parsePolicyDocument(document, 'aws', 'request'));
  });
});

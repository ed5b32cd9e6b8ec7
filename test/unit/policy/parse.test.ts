import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
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
        // Assess: refused as what it is (a complement, or a resource-policy key), not as a typo
        assertIssue(
          issues,
          `$.Statement[1].${key}`,
          new RegExp(`^${key} (is not supported|belongs in resource policies)`),
        );
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
    assertIssue(issuesOf(document), '$.Statement.Effect', /may only Allow; the ceiling decides/);
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

  it('rejects more than 2048 minified characters for both providers, before reading any statement', () => {
    // Prepare: the statements are invalid too, yet only the size is reported (nothing else was parsed)
    const resources = Array.from({ length: 60 }, (_, index) => `arn:aws:s3:::bucket-${index}/some/prefix/*`);
    const document = { Statement: { Effect: 'Nope', Action: 's3:GetObject', Resource: resources } };
    const size = JSON.stringify(document).length;
    const trns = resources.map((r) => r.replace('arn:aws:s3:::', 'trn:tos:::'));
    const volcengineDocument = { Statement: { ...document.Statement, Resource: trns } };
    // Act
    const aws = issuesOf(document);
    const volcengine = parsePolicyDocument(volcengineDocument, 'volcengine', 'request');
    // Assess
    assert.ok(size > 2048);
    assert.equal(aws.length, 1);
    assertIssue(aws, '$', new RegExp(`minified policy is ${size} characters; AWS accepts at most 2048`));
    assert.ok(!volcengine.ok);
    assert.equal(volcengine.issues.length, 1);
    assert.match(volcengine.issues[0]?.reason ?? '', /accepts at most 2048/);
  });

  it('accepts a policy of exactly 2048 minified characters and refuses 2049', () => {
    // Prepare: pad a resource so the minified document has an exact size
    const sized = (length: number) => {
      const base = { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/' } };
      const padding = 'x'.repeat(length - JSON.stringify(base).length);
      return { Statement: { ...base.Statement, Resource: `arn:aws:s3:::b/${padding}` } };
    };
    // Act
    const atLimit = parsePolicyDocument(sized(2048), 'aws', 'request');
    const overLimit = parsePolicyDocument(sized(2049), 'aws', 'request');
    // Assess
    assert.ok(atLimit.ok);
    assert.equal(atLimit.size, 2048);
    assert.ok(!overLimit.ok);
  });

  it('caps statements per policy and items per Action or Resource list', () => {
    // Prepare
    const statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/k' };
    const manyStatements = { Statement: Array.from({ length: 21 }, () => statement) };
    const twentyStatements = { Statement: Array.from({ length: 20 }, () => statement) };
    const manyActions = { Statement: { ...statement, Action: Array.from({ length: 101 }, () => 's3:A') } };
    const manyResources = {
      Statement: { ...statement, Resource: Array.from({ length: 101 }, () => 'a:b:c:d:e:f') },
    };
    const hundredActions = { Statement: { ...statement, Action: Array.from({ length: 100 }, () => 's3:A') } };
    // Act / Assess
    assertIssue(issuesOf(manyStatements), '$.Statement', /at most 20 statements \(it has 21\)/);
    assertIssue(issuesOf(manyActions), '$.Statement.Action', /at most 100 items \(it has 101\)/);
    assertIssue(issuesOf(manyResources), '$.Statement.Resource', /at most 100 items \(it has 101\)/);
    assert.ok(parsePolicyDocument(twentyStatements, 'aws', 'request').ok);
    assert.ok(parsePolicyDocument(hundredActions, 'aws', 'request').ok);
  });

  it('names the field that is missing or empty, on both sides', () => {
    // Prepare
    const { Action: _action, ...withoutAction } = allowStatement;
    const { Resource: _resource, ...withoutResource } = allowStatement;
    // Act / Assess
    assertIssue(issuesOf({ Statement: withoutAction }), '$.Statement.Action', /^Action is required/);
    assertIssue(issuesOf({ Statement: withoutResource }), '$.Statement.Resource', /^Resource is required/);
    assertIssue(
      issuesOf({ Statement: { ...allowStatement, Action: [] } }),
      '$.Statement.Action',
      /^Action is a string or a non-empty array/,
    );
    for (const side of ['request', 'ceiling'] as const) {
      const emptyAction = issuesOf({ Statement: { ...allowStatement, Action: '' } }, side);
      const emptyResource = issuesOf({ Statement: { ...allowStatement, Resource: '' } }, side);
      assertIssue(emptyAction, '$.Statement.Action', /^an action must not be empty$/);
      assertIssue(emptyResource, '$.Statement.Resource', /^a resource must not be empty$/);
    }
  });

  it('accepts the `*` action and `*` resource in a request', () => {
    // Act
    const result = parsePolicyDocument(
      { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } },
      'aws',
      'request',
    );
    // Assess
    assert.ok(result.ok, JSON.stringify(result));
  });

  it('refuses a request resource that starts with another prefix than its dialect names', () => {
    // Prepare: six segments each, only the first one is wrong
    const awsLike = { Statement: { ...allowStatement, Resource: 'xrn:aws:s3:::bucket/*' } };
    const trnLike = {
      Statement: { Effect: 'Allow', Action: 'tos:GetObject', Resource: 'arn:tos::2100:bucket/x' },
    };
    // Act / Assess
    assertIssue(issuesOf(awsLike), '$.Statement.Resource', /^a resource is `\*` or `arn:/);
    assertIssue(
      issuesOf(trnLike, 'request', 'volcengine'),
      '$.Statement.Resource',
      /^a resource is `\*` or `trn:/,
    );
  });

  it('says why a character is refused: spaces are allowed in resources only', () => {
    // Act
    const spacedAction = issuesOf({ Statement: { ...allowStatement, Action: 's3:Get Object' } });
    const deleteInResource = issuesOf({
      Statement: { ...allowStatement, Resource: 'arn:aws:s3:::bucket/a\u007f' },
    });
    // Assess
    assertIssue(
      spacedAction,
      '$.Statement.Action',
      /U\+0020 at index 6; only printable ASCII without spaces is allowed$/,
    );
    assertIssue(
      deleteInResource,
      '$.Statement.Resource',
      /U\+007F at index 21; only printable ASCII is allowed$/,
    );
  });

  it('refuses a document JSON cannot serialise', () => {
    // Act / Assess
    assertIssue(issuesOf({ Statement: 10n }), '$', /cannot be serialised as JSON/);
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

/**
 * The documented alphabets, written here as ranges: resources take printable ASCII with the
 * space (U+0020-U+007E), actions `service:Name` with letters, digits, `_`, `-` and wildcards.
 */
const RESOURCE_CHARACTER = /^[\x20-\x7e]$/;
const ACTION_NAME_CHARACTER = /^[A-Za-z0-9_*?-]$/;

describe('policy characters (property)', () => {
  // Around the edges of the ranges, plus any UTF-16 unit.
  const character = fc
    .oneof(
      fc.integer({ min: 0x00, max: 0x22 }),
      fc.integer({ min: 0x7c, max: 0xa0 }),
      fc.integer({ min: 0, max: 0xffff }),
    )
    .map((code) => String.fromCharCode(code));

  it('accepts a resource character exactly when it is printable ASCII or the space, on both sides', () => {
    fc.assert(
      fc.property(character, fc.constantFrom('request', 'ceiling' as const), (char, side) => {
        // Prepare: `$` cannot open a variable here, since `{` never follows it
        const resource = `arn:aws:s3:::bucket/a${char}b`;
        // Act
        const result = parsePolicyDocument(
          { Statement: { ...allowStatement, Resource: resource } },
          'aws',
          side,
        );
        // Assess
        assert.equal(result.ok, RESOURCE_CHARACTER.test(char), JSON.stringify({ char, side, result }));
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts an action character exactly when the action name alphabet has it', () => {
    fc.assert(
      fc.property(character, (char) => {
        // Act
        const result = parsePolicyDocument(
          { Statement: { ...allowStatement, Action: `s3:Get${char}Object` } },
          'aws',
          'request',
        );
        // Assess
        assert.equal(result.ok, ACTION_NAME_CHARACTER.test(char), JSON.stringify({ char, result }));
      }),
      { numRuns: 2000 },
    );
  });
});

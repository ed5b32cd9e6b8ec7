import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GrantsFileError, loadGrants, parseGrants } from '../../../lib/config/grants.js';
import { grantRole } from '../../../lib/config/grants-schema.js';

const CALLER = 'arn:aws:iam::111111111111:role/reporting-service';
const ROLE = 'arn:aws:iam::222222222222:role/reports-read';

/** One AWS grant as YAML; `extra` lines are appended inside the grant (4-space indent). */
const grantYaml = (extra: string[] = [], id = 'reports-reader') =>
  [
    `  - id: ${id}`,
    '    callers:',
    `      - ${CALLER}`,
    '    provider: aws',
    `    roleArn: ${ROLE}`,
    ...extra.map((line) => `    ${line}`),
  ].join('\n');

const fileYaml = (...grants: string[]) => ['version: 1', 'grants:', ...grants].join('\n');

function grantsError(text: string): GrantsFileError {
  try {
    parseGrants(text, 'grants.yaml');
  } catch (error) {
    if (error instanceof GrantsFileError) return error;
    throw error;
  }
  assert.fail('expected the grants file to be refused');
}

describe('parseGrants: valid files', () => {
  it('parses a minimal AWS grant and applies the schema defaults', () => {
    // Prepare
    const text = fileYaml(grantYaml());
    // Act
    const file = parseGrants(text);
    // Assess
    assert.equal(file.grants.length, 1);
    const [grant] = file.grants;
    assert.ok(grant?.provider === 'aws');
    assert.equal(grant.roleArn, ROLE);
    assert.equal(grant.disabled, false);
    assert.equal(grant.roleMaxSessionDurationSeconds, 3600);
    assert.deepEqual(file.auditors, []);
    assert.deepEqual(file.deniedCallers, []);
  });

  it('loads the grants files shipped with the repository', () => {
    // Prepare
    const files = ['local/grants.yaml', 'config/grants.example.yaml'];
    // Act
    const loaded = files.map((file) => loadGrants(file));
    // Assess
    for (const file of loaded) assert.ok(file.grants.length > 0);
    assert.ok(loaded[0]?.grants.some((g) => grantRole(g) === ROLE));
  });

  it('accepts an OIDC caller and a Volcengine grant', () => {
    // Prepare
    const text = [
      'version: 1',
      'grants:',
      '  - id: tos-reader',
      '    callers:',
      '      - { issuer: "https://issuer.example.com", subject: rotation-job }',
      '    provider: volcengine',
      '    roleTrn: trn:iam::2100000002:role/tos-reader',
    ].join('\n');
    // Act
    const file = parseGrants(text);
    // Assess
    assert.deepEqual(file.grants[0]?.callers, [
      { issuer: 'https://issuer.example.com', subject: 'rotation-job' },
    ]);
    assert.equal(file.grants[0] && grantRole(file.grants[0]), 'trn:iam::2100000002:role/tos-reader');
  });
});

describe('parseGrants: refusals name the line and the path', () => {
  it('refuses a YAML key written twice instead of letting the second win', () => {
    // Prepare: a second roleArn would silently widen the grant to another role.
    const text = fileYaml(grantYaml(['roleArn: arn:aws:iam::222222222222:role/admin']));
    // Act
    const error = grantsError(text);
    // Assess
    assert.equal(error.issues.length, 1);
    assert.equal(error.issues[0]?.line, 8);
    assert.match(error.issues[0]?.message ?? '', /unique/i);
  });

  it('names the line and JSON path of an invalid field', () => {
    // Prepare
    const text = fileYaml(grantYaml(), grantYaml([], 'second-grant').replace(ROLE, 'arn:aws:iam::2:role/x'));
    // Act
    const error = grantsError(text);
    // Assess
    const issue = error.issues.find((i) => i.path === '$.grants[1].roleArn');
    assert.ok(issue, JSON.stringify(error.issues));
    assert.equal(issue.line, 12);
    assert.match(error.message, /grants\.yaml:12 \$\.grants\[1\]\.roleArn: must be an IAM role ARN/);
  });

  it('refuses a user ARN where a role ARN is required', () => {
    // Prepare
    const text = fileYaml(grantYaml().replace(ROLE, 'arn:aws:iam::222222222222:user/reports-read'));
    // Act
    const error = grantsError(text);
    // Assess
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ['$.grants[0].roleArn'],
    );
  });

  for (const field of ['roleSessionName: anything', 'sourceIdentity: someone-else', 'unknownField: 1']) {
    it(`refuses an unknown grant field (${field.split(':')[0]})`, () => {
      // Prepare
      const text = fileYaml(grantYaml([field]));
      // Act
      const error = grantsError(text);
      // Assess
      assert.equal(error.issues[0]?.path, '$.grants[0]');
      assert.equal(error.issues[0]?.line, 3);
      assert.match(error.issues[0]?.message ?? '', /Unrecognized key/);
    });
  }

  it('refuses an assumed-role session ARN as a caller: grants match roles, never sessions', () => {
    // Prepare
    const text = fileYaml(
      grantYaml().replace(CALLER, 'arn:aws:sts::111111111111:assumed-role/reporting-service/session-1'),
    );
    // Act
    const error = grantsError(text);
    // Assess
    assert.equal(error.issues[0]?.path, '$.grants[0].callers[0]');
    assert.equal(error.issues[0]?.line, 5);
  });

  it('refuses two grants with the same id', () => {
    // Prepare
    const text = fileYaml(grantYaml(), grantYaml());
    // Act
    const error = grantsError(text);
    // Assess
    assert.deepEqual(error.issues, [
      { path: '$.grants[1].id', line: 8, message: 'duplicate grant id reports-reader' },
    ]);
  });

  it('refuses a default duration above the grant maximum', () => {
    // Prepare
    const text = fileYaml(grantYaml(['defaultDurationSeconds: 3600', 'maxDurationSeconds: 1800']));
    // Act
    const error = grantsError(text);
    // Assess
    assert.equal(error.issues[0]?.path, '$.grants[0].defaultDurationSeconds');
    assert.equal(error.issues[0]?.line, 8);
  });

  for (const [label, line] of [
    ['below the provider minimum', 'maxDurationSeconds: 899'],
    ['above the provider maximum', 'maxDurationSeconds: 43201'],
    ['fractional', 'maxDurationSeconds: 1800.5'],
    ['a string', 'maxDurationSeconds: "3600"'],
  ] as const) {
    it(`refuses a maximum duration that is ${label}`, () => {
      // Prepare
      const text = fileYaml(grantYaml([line]));
      // Act
      const error = grantsError(text);
      // Assess
      assert.equal(error.issues[0]?.path, '$.grants[0].maxDurationSeconds');
    });
  }

  it('refuses an external id with characters STS does not accept', () => {
    // Prepare
    const text = fileYaml(grantYaml(['externalId: "has space"']));
    // Act
    const error = grantsError(text);
    // Assess
    assert.equal(error.issues[0]?.path, '$.grants[0].externalId');
  });

  it('refuses more than 50 session tags', () => {
    // Prepare
    const tags = Array.from({ length: 51 }, (_, i) => `  tag${i}: v`);
    const text = fileYaml(grantYaml(['sessionTags:', ...tags]));
    // Act
    const error = grantsError(text);
    // Assess
    assert.ok(error.issues.some((i) => i.path === '$.grants[0].sessionTags' && /50/.test(i.message)));
  });

  it('refuses a ceiling policy the policy engine cannot reason about, at the policy lines', () => {
    // Prepare
    const text = fileYaml(
      grantYaml([
        'policy:',
        '  Statement:',
        '    - Effect: Allow',
        '      NotAction: "s3:DeleteObject"',
        '      Resource: "*"',
      ]),
    );
    // Act
    const error = grantsError(text);
    // Assess
    assert.ok(error.issues.length > 0);
    for (const issue of error.issues) {
      assert.equal(issue.path, '$.grants[0].policy');
      // `policy:` is on line 8; its map (where the editor should look) starts on line 9.
      assert.equal(issue.line, 9);
    }
    assert.ok(error.issues.some((i) => /NotAction/.test(i.message)));
  });

  it('refuses an unsupported file version', () => {
    // Prepare
    const text = fileYaml(grantYaml()).replace('version: 1', 'version: 2');
    // Act
    const error = grantsError(text);
    // Assess
    assert.deepEqual(
      error.issues.map((i) => [i.path, i.line]),
      [['$.version', 1]],
    );
  });

  it('reports a YAML syntax error with its line', () => {
    // Prepare
    const text = 'version: 1\ngrants: [\n';
    // Act
    const error = grantsError(text);
    // Assess
    assert.equal(error.issues[0]?.path, '$');
    assert.equal(typeof error.issues[0]?.line, 'number');
  });

  it('refuses a grant with no callers', () => {
    // Prepare
    const text = fileYaml(grantYaml()).replace(`    callers:\n      - ${CALLER}`, '    callers: []');
    // Act
    const error = grantsError(text);
    // Assess
    assert.equal(error.issues[0]?.path, '$.grants[0].callers');
  });
});

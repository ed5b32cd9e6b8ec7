import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IssuedCredentials } from '../../../lib/client/broker-api.js';
import {
  credentialProcessJson,
  envFile,
  formatCredentials,
  shellExports,
  UnsupportedFormatError,
} from '../../../lib/client/formats.js';
import { parseRetryAfter, problemFromResponse } from '../../../lib/client/problem.js';
import {
  putRolePolicyCommand,
  revokePolicy,
  revokePolicyName,
  roleNameOf,
} from '../../../lib/client/revoke-policy.js';

const issued: IssuedCredentials = {
  issuanceId: '01JTESTISSUANCE',
  grant: 'reports-reader',
  provider: 'aws',
  roleArn: 'arn:aws:iam::222222222222:role/reports-read',
  assumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/reports-read/reporting-service.x',
  sourceIdentity: 'reporting-service',
  durationSeconds: 900,
  credentials: {
    accessKeyId: 'ASIAFAKEACCESSKEY001',
    secretAccessKey: 'wJalr/K7MDENG+bPxRfi=',
    sessionToken: 'FwoGZXIvYXdz+token/==',
    expiration: new Date('2025-01-01T00:15:00.000Z'),
  },
};

describe('credential formats', () => {
  it('prints the credential_process contract: Version 1 and exactly the four fields', () => {
    // Act
    const parsed = JSON.parse(credentialProcessJson(issued));
    // Assess
    assert.deepEqual(parsed, {
      Version: 1,
      AccessKeyId: 'ASIAFAKEACCESSKEY001',
      SecretAccessKey: 'wJalr/K7MDENG+bPxRfi=',
      SessionToken: 'FwoGZXIvYXdz+token/==',
      Expiration: '2025-01-01T00:15:00.000Z',
    });
  });

  it('prints single-quoted shell exports for eval', () => {
    // Act
    const text = shellExports(issued);
    // Assess
    assert.equal(
      text,
      [
        "export AWS_ACCESS_KEY_ID='ASIAFAKEACCESSKEY001'",
        "export AWS_SECRET_ACCESS_KEY='wJalr/K7MDENG+bPxRfi='",
        "export AWS_SESSION_TOKEN='FwoGZXIvYXdz+token/=='",
        "export AWS_CREDENTIAL_EXPIRATION='2025-01-01T00:15:00.000Z'",
      ].join('\n'),
    );
  });

  it('writes an env file and refuses a value an env file cannot carry', () => {
    // Prepare
    const odd = { ...issued, credentials: { ...issued.credentials, sessionToken: 'a b\nc' } };
    // Act
    const text = envFile(issued);
    // Assess
    assert.match(text, /^AWS_SESSION_TOKEN=FwoGZXIvYXdz\+token\/==$/m);
    assert.ok(text.endsWith('\n'));
    assert.throws(() => envFile(odd), /AWS_SESSION_TOKEN holds characters/);
  });

  it('renders the full JSON with an ISO expiration', () => {
    // Act
    const parsed = JSON.parse(formatCredentials(issued, 'json'));
    // Assess
    assert.equal(parsed.issuanceId, '01JTESTISSUANCE');
    assert.equal(parsed.provider, 'aws');
    assert.equal(parsed.credentials.expiration, '2025-01-01T00:15:00.000Z');
  });

  it('prints Volcengine credentials under the names Volcengine SDKs read, and no AWS_*', () => {
    // Prepare
    const volcengine: IssuedCredentials = { ...issued, provider: 'volcengine', sourceIdentity: undefined };
    // Act
    const exports = shellExports(volcengine);
    const file = envFile(volcengine);
    const json = JSON.parse(formatCredentials(volcengine, 'json'));
    // Assess
    assert.match(exports, /^export VOLC_ACCESSKEY='ASIAFAKEACCESSKEY001'$/m);
    assert.match(exports, /^export VOLC_SECRETKEY='wJalr\/K7MDENG\+bPxRfi='$/m);
    assert.match(exports, /^export VOLC_SESSIONTOKEN='FwoGZXIvYXdz\+token\/=='$/m);
    assert.match(exports, /^export VOLCENGINE_SESSION_TOKEN=/m);
    assert.doesNotMatch(exports, /AWS_/);
    assert.doesNotMatch(file, /AWS_/);
    assert.match(file, /^BROKER_CREDENTIAL_EXPIRATION=2025-01-01T00:15:00.000Z$/m);
    assert.equal(json.provider, 'volcengine');
  });

  it('refuses the credential_process form for Volcengine credentials, saying why', () => {
    // Prepare
    const volcengine: IssuedCredentials = { ...issued, provider: 'volcengine' };
    // Act / Assess
    assert.throws(
      () => formatCredentials(volcengine, 'credential-process'),
      (error: Error) => error instanceof UnsupportedFormatError && /AWS SDKs' contract/.test(error.message),
    );
  });
});

describe('problem responses', () => {
  it('reads code, detail, request id, fields and Retry-After from problem+json', async () => {
    // Prepare
    const response = new Response(
      JSON.stringify({
        type: 'x',
        title: 'Invalid request',
        status: 400,
        detail: 'durationSeconds must be 900..3600',
        code: 'duration_out_of_range',
        requestId: 'req-9',
        errors: [{ path: 'durationSeconds', message: 'too big' }, { junk: true }],
      }),
      { status: 400, headers: { 'retry-after': '7' } },
    );
    // Act
    const error = await problemFromResponse(response);
    // Assess
    assert.equal(error.code, 'duration_out_of_range');
    assert.equal(error.requestId, 'req-9');
    assert.deepEqual(error.fields, [{ path: 'durationSeconds', message: 'too big' }]);
    assert.equal(error.retryAfterSeconds, 7);
    assert.equal(error.transient, false);
    assert.match(
      error.message,
      /^Invalid request \(duration_out_of_range, HTTP 400\): durationSeconds must be 900\.\.3600 \[request req-9\]$/,
    );
  });

  it('turns a non-JSON body into a status-only error without echoing it', async () => {
    // Prepare
    const response = new Response('<html>secret-ish proxy page</html>', {
      status: 504,
      statusText: 'Gateway Timeout',
    });
    // Act
    const error = await problemFromResponse(response);
    // Assess
    assert.equal(error.code, 'http_504');
    assert.equal(error.transient, true);
    assert.doesNotMatch(error.message, /proxy page/);
  });

  it('parses Retry-After as seconds or an HTTP date, and ignores garbage', () => {
    // Prepare
    const now = new Date('2025-01-01T00:00:00Z');
    // Act / Assess
    assert.equal(parseRetryAfter('5', now), 5);
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });
});

describe('revoke policy', () => {
  it('denies everything to sessions of this source identity issued before the instant', () => {
    // Act
    const policy = revokePolicy('reporting-service', new Date('2025-01-01T12:00:00.000Z'));
    // Assess
    assert.deepEqual(policy.Statement[0], {
      Sid: 'RevokeBrokerSessions',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceIdentity': 'reporting-service' },
        DateLessThan: { 'aws:TokenIssueTime': '2025-01-01T12:00:00.000Z' },
      },
    });
  });

  it('prints a put-role-policy line with the role name (path dropped) and a quoted document', () => {
    // Prepare
    const at = new Date('2025-01-01T12:00:00.000Z');
    const target = {
      roleArn: 'arn:aws:iam::222222222222:role/team/reports-read',
      sourceIdentity: 'reporting-service',
    };
    // Act
    const line = putRolePolicyCommand(target, at);
    // Assess
    assert.equal(roleNameOf(target.roleArn), 'reports-read');
    assert.equal(
      revokePolicyName('reporting-service', at),
      'broker-revoke-reporting-service-20250101T120000Z',
    );
    assert.ok(line.startsWith("aws iam put-role-policy --role-name 'reports-read' --policy-name "));
    const document = /--policy-document '(.*)'$/.exec(line)?.[1] ?? '';
    assert.deepEqual(JSON.parse(document), revokePolicy('reporting-service', at));
  });
});

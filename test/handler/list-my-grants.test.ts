/**
 * GET /v1/grants/mine through the real composition of the list-grants function
 * (functions/list-grants/compose.ts), with fakes at the ports: any authenticated caller sees
 * the grants it may use and nothing of anyone else's; the route is charged to the caller's
 * `requests` budget; the auditors' GET /v1/grants beside it is untouched.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeHandler } from '../../functions/list-grants/compose.js';
import type { AuditReader } from '../../lib/audit/queries.js';
import { myGrantsList } from '../../lib/contracts/list-my-grants.js';
import { dependencyUnavailable } from '../../lib/errors.js';
import { makeAllowList } from '../../lib/grants/allow-list.js';
import { auditGateOnFakes } from '../support/audit-gate.js';
import { FakeRateLimiter } from '../support/fakes.js';
import {
  OIDC_ISSUER,
  REPORTING_SERVICE,
  REPORTS_CEILING,
  REPORTS_ROLE,
  sampleGrantsFile,
  sampleGrantsInput,
  TOS_ROLE,
} from '../support/grants.js';
import { buildContext, buildEvent, iamAuthorizer, jwtAuthorizer } from '../support/lambda.js';
import { silentLogger } from '../support/logs.js';

const REPORTING = 'arn:aws:sts::111111111111:assumed-role/reporting-service/w1';
const ROTATION = 'arn:aws:sts::111111111111:assumed-role/rotation-job/run-7';
const AUDITOR = 'arn:aws:sts::111111111111:assumed-role/security-audit/alice';

const noReads: AuditReader = {
  queryIndex: async () => assert.fail('GET /v1/grants/mine reads no audit record'),
  issuanceRecords: async () => assert.fail('GET /v1/grants/mine reads no audit record'),
};

function setup(edit: (input: ReturnType<typeof sampleGrantsInput>) => void = () => {}) {
  const input = sampleGrantsInput();
  edit(input);
  const grantsFile = sampleGrantsFile(input);
  const allowList = makeAllowList(grantsFile);
  const rateLimiter = new FakeRateLimiter();
  const { admitAuditor } = auditGateOnFakes({ allowList });
  const handler = makeHandler(
    {
      allowList,
      admitAuditor,
      deniedCallers: grantsFile.deniedCallers,
      reader: noReads,
      clock: () => new Date('2025-01-02T00:00:00.000Z'),
      mine: { allowList, rateLimiter, requestsPerMinute: 120, roleChaining: true },
    },
    { logger: silentLogger(), maxBodyBytes: 1024 },
  );
  const get = async (
    authorizer: unknown,
    options: { path?: string; query?: Record<string, string> } = {},
  ) => {
    const response = await handler(
      buildEvent({
        method: 'GET',
        path: options.path ?? '/v1/grants/mine',
        authorizer,
        queryStringParameters: options.query,
      }),
      buildContext(),
    );
    return {
      status: response.statusCode,
      headers: response.headers ?? {},
      text: String(response.body),
      json: JSON.parse(String(response.body)) as Record<string, unknown>,
    };
  };
  return { get, rateLimiter };
}

describe('GET /v1/grants/mine composition', () => {
  it('answers a service caller its own grants: role, effective durations, the ceiling itself, tag names', async () => {
    // Prepare
    const { get } = setup();
    // Act
    const response = await get(iamAuthorizer(REPORTING));
    // Assess
    assert.equal(response.status, 200);
    assert.equal(response.headers['Cache-Control'], 'no-store');
    assert.deepEqual(response.json, {
      grants: [
        {
          id: 'reports-reader',
          provider: 'aws',
          role: REPORTS_ROLE,
          minDurationSeconds: 900,
          defaultDurationSeconds: 900,
          maxDurationSeconds: 3600,
          maxDurationSetBy: 'grant_maximum',
          ceilingPolicy: REPORTS_CEILING,
          sessionTags: ['team', 'caller'],
        },
        {
          id: 'tos-reader',
          provider: 'volcengine',
          role: TOS_ROLE,
          minDurationSeconds: 900,
          defaultDurationSeconds: 900,
          maxDurationSeconds: 3600,
          maxDurationSetBy: 'grant_maximum',
          ceilingPolicy: null,
          sessionTags: [],
        },
      ],
    });
    assert.ok(myGrantsList.strict().safeParse(response.json).success);
  });

  it('never shows an external id, a session tag value or another caller of the grant', async () => {
    // Prepare: the reports grant also names a second caller.
    const { get } = setup((input) => {
      const reports = input.grants[0];
      if (reports) reports.callers = [REPORTING_SERVICE, 'arn:aws:iam::444444444444:role/other-team'];
    });
    // Act
    const response = await get(iamAuthorizer(REPORTING));
    // Assess
    assert.equal(response.status, 200);
    for (const secret of [
      'reports-7f3a',
      'doris-vault-91c2',
      '{caller.name}',
      'reporting"',
      'other-team',
      'callers',
      'externalId',
    ]) {
      assert.ok(!response.text.includes(secret), `the answer shows ${secret}`);
    }
  });

  it('shows the role-chaining cap as the maximum and lowers the default to it', async () => {
    // Prepare: the role allows 12 h, the grant asks 2 h by default; the broker runs as a role.
    const { get } = setup((input) => {
      const vault = input.grants[1];
      if (vault?.provider === 'aws') {
        Object.assign(vault, {
          defaultDurationSeconds: 7200,
          maxDurationSeconds: 43_200,
          roleMaxSessionDurationSeconds: 43_200,
        });
      }
    });
    // Act
    const response = await get(iamAuthorizer(ROTATION));
    // Assess
    const [vault] = (response.json as { grants: Record<string, unknown>[] }).grants;
    assert.equal(vault?.id, 'doris-vault-rotation');
    assert.equal(vault?.maxDurationSeconds, 3600);
    assert.equal(vault?.maxDurationSetBy, 'role_chaining');
    assert.equal(vault?.defaultDurationSeconds, 3600);
  });

  it('answers 200 and an empty list to a caller no grant names (an auditor included)', async () => {
    // Prepare
    const { get } = setup();
    // Act
    const response = await get(iamAuthorizer(AUDITOR));
    // Assess
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { grants: [] });
  });

  it('lists neither a disabled grant nor anything for a caller on the kill switch', async () => {
    // Prepare
    const { get } = setup((input) => {
      const vault = input.grants[1];
      if (vault) vault.disabled = true;
      input.deniedCallers = [REPORTING_SERVICE];
    });
    // Act
    const rotation = await get(iamAuthorizer(ROTATION));
    const denied = await get(iamAuthorizer(REPORTING));
    // Assess
    assert.deepEqual([rotation.json, denied.json], [{ grants: [] }, { grants: [] }]);
  });

  it('answers an OIDC caller on the /v1/oidc/ twin', async () => {
    // Act
    const response = await setup().get(jwtAuthorizer(OIDC_ISSUER, 'rotation-job'), {
      path: '/v1/oidc/grants/mine',
    });
    // Assess
    assert.equal(response.status, 200);
    assert.deepEqual(
      (response.json as { grants: { id: string }[] }).grants.map((grant) => grant.id),
      ['doris-vault-rotation'],
    );
  });

  it('charges the requests budget: 429 with Retry-After when over, then no charge while known', async () => {
    // Prepare
    const { get, rateLimiter } = setup();
    rateLimiter.over.add('requests');
    // Act
    const first = await get(iamAuthorizer(REPORTING));
    const second = await get(iamAuthorizer(REPORTING));
    // Assess
    assert.deepEqual([first.status, second.status], [429, 429]);
    assert.equal(first.json.code, 'rate_limited');
    assert.equal(first.headers['Retry-After'], '30');
    assert.deepEqual(rateLimiter.charged, [['requests']]);
  });

  it('answers 503 when the rate counter is down (no limit, no answer)', async () => {
    // Prepare
    const { get, rateLimiter } = setup();
    rateLimiter.failure = dependencyUnavailable('rate limit', 'UpdateItem: TimeoutError');
    // Act
    const response = await get(iamAuthorizer(REPORTING));
    // Assess
    assert.equal(response.status, 503);
    assert.equal(response.json.code, 'dependency_unavailable');
  });

  it('refuses an unknown query parameter with 400 before charging anything', async () => {
    // Prepare
    const { get, rateLimiter } = setup();
    // Act
    const response = await get(iamAuthorizer(REPORTING), { query: { caller: 'someone-else' } });
    // Assess
    assert.equal(response.status, 400);
    assert.equal(response.json.code, 'invalid_request');
    assert.deepEqual(rateLimiter.charged, []);
  });

  it('keeps GET /v1/grants for auditors: a service caller gets 403 there', async () => {
    // Act
    const response = await setup().get(iamAuthorizer(REPORTING), { path: '/v1/grants' });
    // Assess
    assert.equal(response.status, 403);
    assert.equal(response.json.code, 'not_allowed');
  });

  it('answers 500 to a route key the function does not serve (a wiring mistake)', async () => {
    // Act
    const response = await setup().get(iamAuthorizer(REPORTING), { path: '/v1/grants/theirs' });
    // Assess
    assert.equal(response.status, 500);
    assert.equal(response.json.code, 'internal_error');
  });
});

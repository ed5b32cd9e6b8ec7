/**
 * GET /v1/grants through its real composition (functions/list-grants/compose.ts), with a
 * fake audit reader at the port: auditors only (admitted by the audit gate: the audit rate
 * charged, a refusal recorded as AUDIT_DENIED), every grant described without its external
 * id, and the newest VERIFY record of each enabled grant as its last check.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeHandler } from '../../functions/list-grants/compose.js';
import type { AuditReader, IndexQuery } from '../../lib/audit/queries.js';
import { makeAllowList } from '../../lib/grants/allow-list.js';
import { AUDITOR, auditGateOnFakes, NOT_AUDITOR } from '../support/audit-gate.js';
import { noRateLimit } from '../support/fakes.js';
import { sampleGrantsFile, sampleGrantsInput } from '../support/grants.js';
import { buildContext, buildEvent, iamAuthorizer } from '../support/lambda.js';
import { silentLogger } from '../support/logs.js';

const verifyRecord = (grantId: string, at: string, reason: string, detail?: string) => ({
  issuanceId: `CHECK-${grantId}-${at}`,
  decision: 'VERIFY',
  at,
  callerKey: 'system:verify-grants',
  callerPrincipal: 'system:verify-grants',
  callerKind: 'aws',
  grantId,
  reason,
  ...(detail ? { detail } : {}),
});

function setup(options: { overAudit?: boolean } = {}) {
  const input = sampleGrantsInput();
  const vault = input.grants[1];
  if (vault) vault.disabled = true;
  input.deniedCallers = ['arn:aws:iam::111111111111:role/stranger'];
  const grantsFile = sampleGrantsFile(input);
  const queries: IndexQuery[] = [];
  // Newest first, as the byDecision index answers: the newest record of each grant wins.
  const reader: AuditReader = {
    queryIndex: async (query) => {
      queries.push(query);
      return {
        items: [
          verifyRecord('reports-reader', '2025-01-01T00:10:00.000Z', 'not_allowed', 'AccessDenied: trust'),
          verifyRecord('reports-reader', '2025-01-01T00:05:00.000Z', 'ok'),
          verifyRecord('doris-vault-rotation', '2025-01-01T00:04:00.000Z', 'ok'),
        ],
      };
    },
    issuanceRecords: async () => assert.fail('GET /v1/grants reads no issuance'),
  };
  const allowList = makeAllowList(grantsFile);
  const gate = auditGateOnFakes({ allowList, overAudit: options.overAudit });
  const handler = makeHandler(
    {
      allowList,
      admitAuditor: gate.admitAuditor,
      deniedCallers: grantsFile.deniedCallers,
      reader,
      clock: () => new Date('2025-01-02T00:00:00.000Z'),
      mine: {
        allowList: makeAllowList(grantsFile),
        rateLimiter: noRateLimit,
        requestsPerMinute: 1,
        roleChaining: true,
      },
    },
    { logger: silentLogger(), maxBodyBytes: 1024 },
  );
  const get = async (as: string) => {
    const response = await handler(
      buildEvent({ method: 'GET', path: '/v1/grants', authorizer: iamAuthorizer(as) }),
      buildContext(),
    );
    return {
      status: response.statusCode,
      json: JSON.parse(String(response.body)) as Record<string, unknown>,
    };
  };
  return { get, queries, gate };
}

describe('GET /v1/grants composition', () => {
  it('refuses a non-auditor with a generic 403 without reading the audit table, and records AUDIT_DENIED', async () => {
    // Prepare
    const { get, queries, gate } = setup();
    // Act
    const response = await get(NOT_AUDITOR);
    // Assess
    assert.equal(response.status, 403);
    assert.equal(response.json.code, 'not_allowed');
    assert.equal(response.json.detail, 'This caller may not perform this action.');
    assert.equal(queries.length, 0);
    const refusal = gate.audit.only('AUDIT_DENIED');
    assert.deepEqual(
      [refusal.reason, refusal.detail, refusal.callerKey],
      ['not_an_auditor', 'list-grants', 'aws:111111111111:role/reporting-service'],
    );
    assert.deepEqual(gate.rateLimiter.charged, [['audit']]);
  });

  it('answers 429 over the audit rate before anything is read, auditors included', async () => {
    // Prepare
    const { get, queries, gate } = setup({ overAudit: true });
    // Act
    const response = await get(AUDITOR);
    // Assess
    assert.equal(response.status, 429);
    assert.equal(queries.length, 0);
    assert.deepEqual(gate.audit.decisions(), ['RATE_LIMITED']);
  });

  it('lists every grant with its newest check, never an external id, and the denied callers', async () => {
    // Prepare
    const { get, queries, gate } = setup();
    // Act
    const response = await get(AUDITOR);
    // Assess
    assert.equal(response.status, 200);
    const body = response.json as {
      grants: {
        id: string;
        externalId: boolean;
        disabled: boolean;
        lastCheck: Record<string, unknown> | null;
      }[];
      deniedCallers: unknown[];
    };
    const byId = new Map(body.grants.map((grant) => [grant.id, grant]));
    assert.deepEqual([...byId.keys()], ['reports-reader', 'doris-vault-rotation', 'tos-reader']);
    assert.deepEqual(byId.get('reports-reader')?.lastCheck, {
      at: '2025-01-01T00:10:00.000Z',
      status: 'failed',
      reason: 'not_allowed',
      detail: 'AccessDenied: trust',
      checkId: 'CHECK-reports-reader-2025-01-01T00:10:00.000Z',
    });
    // Disabled grants are not checked, so their last check is not looked for.
    assert.equal(byId.get('doris-vault-rotation')?.disabled, true);
    assert.equal(byId.get('doris-vault-rotation')?.lastCheck, null);
    assert.equal(byId.get('tos-reader')?.lastCheck, null);
    assert.equal(byId.get('reports-reader')?.externalId, true);
    assert.doesNotMatch(JSON.stringify(response.json), /reports-7f3a|doris-vault-91c2/);
    assert.deepEqual(body.deniedCallers, ['arn:aws:iam::111111111111:role/stranger']);
    assert.deepEqual(
      queries.map((query) => [query.index, query.partition, query.range.from]),
      [['byDecision', 'VERIFY', '2024-12-03T00:00:00.000Z']],
    );
    assert.deepEqual(gate.audit.records, []);
  });
});

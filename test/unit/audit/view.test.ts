/**
 * The auditor's view of a stored item is the audit record contract, field by field: every
 * contract field comes through, nothing else does, and a value of the wrong type is left
 * out rather than shown in a shape the contract refuses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type StoredItem, toRecordView } from '../../../lib/audit/view.js';
import { AUDIT_RECORD_FIELDS, auditRecord } from '../../../lib/contracts/audit-record.js';

/** A stored item with a value in every field of the contract. */
const everyField: StoredItem = {
  issuanceId: '01JVIEW0000000000000000001',
  decision: 'ISSUED',
  at: '2025-03-10T00:00:00.000Z',
  callerKey: 'aws:111111111111:role/reporting-service',
  callerPrincipal: 'arn:aws:sts::111111111111:assumed-role/reporting-service/w1',
  callerKind: 'aws',
  reason: 'issued',
  detail: 'internal detail',
  grantId: 'reports-reader',
  provider: 'aws',
  roleArn: 'arn:aws:iam::222222222222:role/reports-read',
  durationSeconds: 900,
  durationBound: 'grant',
  expiration: '2025-03-10T00:15:00.000Z',
  accessKeyId: 'ASIAVIEW000000000001',
  assumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/reports-read/reporting-service',
  sourceIdentity: 'reporting-service',
  roleSessionName: 'reporting-service.1',
  policySha256: 'a'.repeat(64),
  policySize: 120,
  packedPolicySize: 12,
  requestId: 'req-1',
  sourceIp: '192.0.2.1',
  userAgent: 'rotation-job/1.0',
};

describe('toRecordView', () => {
  it('shows every field of the contract, and the view parses with the contract unchanged', () => {
    // Act
    const view = toRecordView(everyField);
    // Assess
    assert.deepEqual(Object.keys(view).sort(), [...AUDIT_RECORD_FIELDS].sort());
    assert.deepEqual(auditRecord.parse(view), view);
    assert.deepEqual(view, everyField);
  });

  it('leaves out attributes outside the contract (index keys, a stray write)', () => {
    // Prepare
    const item: StoredItem = { ...everyField, ts: 'x#y#z', day: '2025-03-10', secretAccessKey: 'leak' };
    // Act
    const view = toRecordView(item);
    // Assess
    assert.deepEqual(view, everyField);
  });

  it('leaves out an optional value whose type is not the contract type', () => {
    // Prepare
    const item: StoredItem = { ...everyField, durationSeconds: '900', reason: 7 };
    // Act
    const view = toRecordView(item);
    // Assess
    assert.equal('durationSeconds' in view, false);
    assert.equal('reason' in view, false);
    assert.equal(view.policySize, 120);
  });
});

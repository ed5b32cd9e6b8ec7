/**
 * The audit record contract is the one definition of the record: the export column list
 * names each of its fields exactly once, so a field added to the schema reaches every
 * export (or fails here).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AUDIT_RECORD_FIELDS, auditRecord } from '../../../lib/contracts/audit-record.js';

describe('AUDIT_RECORD_FIELDS', () => {
  it('names every field of the audit record schema once, and nothing else', () => {
    // Prepare
    const schemaFields = Object.keys(auditRecord.shape).sort();
    // Act
    const listed = [...AUDIT_RECORD_FIELDS].sort();
    // Assess
    assert.deepEqual(listed, schemaFields);
    assert.equal(new Set(AUDIT_RECORD_FIELDS).size, AUDIT_RECORD_FIELDS.length);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { issueRequest as issueRequestSchema } from '../../lib/contracts/issue-credentials.js';

const ALLOWED = new Set(['grant', 'roleArn', 'durationSeconds', 'policy', 'dryRun']);

describe('issueRequestSchema', () => {
  it('accepts a grant id or a role ARN or a Volcengine role TRN', () => {
    // Prepare
    const bodies = [
      { grant: 'reports-reader' },
      { roleArn: 'arn:aws:iam::222222222222:role/reports-read', durationSeconds: 900, dryRun: true },
      { roleArn: 'arn:aws:iam::222222222222:role/service-role/reports-read' },
      { roleArn: 'trn:iam::2100000002:role/tos-reader', policy: { Statement: [] } },
    ];
    // Act
    const results = bodies.map((body) => issueRequestSchema.safeParse(body).success);
    // Assess
    assert.deepEqual(results, [true, true, true, true]);
  });

  it('points the one-of error at grant', () => {
    // Prepare / Act
    const result = issueRequestSchema.safeParse({
      grant: 'reports-reader',
      roleArn: 'arn:aws:iam::222222222222:role/x',
    });
    // Assess
    assert.equal(result.success, false);
    assert.deepEqual(
      result.error?.issues.map((i) => i.path),
      [['grant']],
    );
  });

  it('property: any field outside the documented five is refused', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }).filter((key) => !ALLOWED.has(key)),
        fc.jsonValue(),
        (key, value) => {
          // Prepare
          const body = JSON.parse(JSON.stringify({ grant: 'reports-reader', [key]: value })) as unknown;
          // Act
          const result = issueRequestSchema.safeParse(body);
          // Assess
          assert.equal(result.success, false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: a role ARN with any non-ASCII character is refused', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 40 }),
        fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }).filter((c) => c.charCodeAt(0) > 0x7e),
        (index, char) => {
          // Prepare
          const arn = 'arn:aws:iam::222222222222:role/reports-read';
          const position = Math.min(index, arn.length);
          const roleArn = arn.slice(0, position) + char + arn.slice(position);
          // Act
          const result = issueRequestSchema.safeParse({ roleArn });
          // Assess
          assert.equal(result.success, false);
        },
      ),
      { numRuns: 500 },
    );
  });
});

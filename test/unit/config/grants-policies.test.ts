import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCeilingPolicies } from '../../../lib/config/grants-policies.js';
import { REPORTS_CEILING, sampleGrantsFile, sampleGrantsInput } from '../../support/grants.js';

describe('checkCeilingPolicies', () => {
  it('accepts the ceilings of the sample grants', () => {
    // Prepare
    const file = sampleGrantsFile();
    // Act
    const issues = checkCeilingPolicies(file);
    // Assess
    assert.deepEqual(issues, []);
  });

  it('points every issue at the policy of the grant that carries it', () => {
    // Prepare: the third grant (Volcengine) gets a ceiling the grammar refuses.
    const input = sampleGrantsInput();
    const [, , tos] = input.grants;
    assert.ok(tos);
    tos.policy = {
      Statement: [{ Effect: 'Allow', Action: ['tos:GetObject'], NotResource: ['trn:tos:::x/*'] }],
    };
    const file = sampleGrantsFile(input);
    // Act
    const issues = checkCeilingPolicies(file);
    // Assess
    assert.ok(issues.length > 0);
    for (const issue of issues) assert.deepEqual(issue.pathSegments, ['grants', 2, 'policy']);
    assert.ok(issues.some((issue) => issue.message.startsWith('$.Statement[0]')));
  });

  it('refuses a ceiling statement that names a Principal (a session policy has none)', () => {
    // Prepare
    const input = sampleGrantsInput();
    const [reports] = input.grants;
    assert.ok(reports);
    reports.policy = {
      ...REPORTS_CEILING,
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::reports-bucket/*',
          Principal: '*',
        },
      ],
    };
    const file = sampleGrantsFile(input);
    // Act
    const issues = checkCeilingPolicies(file);
    // Assess
    assert.ok(
      issues.some((issue) => /Principal/.test(issue.message)),
      JSON.stringify(issues),
    );
  });
});

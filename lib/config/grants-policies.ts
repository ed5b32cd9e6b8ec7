/**
 * Ceiling policies in the grants file go through the same parser as request policies
 * (ceiling side of the grammar), so a grant cannot carry a policy the broker would
 * later be unable to reason about.
 */
import { parsePolicyDocument } from '../policy/index.js';
import type { GrantsFile } from './grants-schema.js';

export interface CeilingPolicyIssue {
  pathSegments: (string | number)[];
  message: string;
}

export function checkCeilingPolicies(file: GrantsFile): CeilingPolicyIssue[] {
  return file.grants.flatMap((g, index) => {
    if (g.policy === undefined) return [];
    const result = parsePolicyDocument(g.policy, g.provider, 'ceiling');
    if (result.ok) return [];
    return result.issues.map((issue) => ({
      pathSegments: ['grants', index, 'policy'],
      message: `${issue.path}: ${issue.reason}`,
    }));
  });
}

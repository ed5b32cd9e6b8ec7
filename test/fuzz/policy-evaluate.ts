/**
 * Policy evaluator: the oracle of the policy property tests (test only; the broker never
 * evaluates a request against a policy, it proves containment in lib/policy).
 *
 * Semantics of AWS's policy evaluation logic: a request is allowed only if every policy of the list allows it
 * and none denies it; an explicit Deny anywhere wins. The evaluator has no request context,
 * so it leans to the safe side: an Allow with a Condition is not counted, a Deny with a
 * Condition is; Allow resources use the narrow by-segment reading, Deny resources the broad
 * whole-string one (see resource.ts).
 */
import {
  actionMatches,
  type Policy,
  type PolicyDialect,
  resourceMatchesBySegment,
  resourceMatchesLoosely,
  type Statement,
} from '../../lib/policy/index.js';

export type Decision = 'allowed' | 'explicit-deny' | 'implicit-deny';

export interface Evaluation {
  decision: Decision;
  reasons: string[];
}

export function evaluate(
  policies: Policy[],
  action: string,
  resource: string,
  dialect: PolicyDialect,
): Evaluation {
  const reasons: string[] = [];
  let denied = false;
  let allowedByAll = policies.length > 0;
  policies.forEach((policy, policyIndex) => {
    let allowed = false;
    policy.statements.forEach((statement, statementIndex) => {
      const where = `policy ${policyIndex} statement ${statementIndex}${statement.sid === undefined ? '' : ` (${statement.sid})`}`;
      if (statement.effect === 'Deny') {
        if (!reaches(statement, action, (pattern) => resourceMatchesLoosely(pattern, resource, dialect)))
          return;
        denied = true;
        reasons.push(
          `${where} denies it${statement.condition === undefined ? '' : ' (its Condition is assumed to hold)'}`,
        );
        return;
      }
      if (!reaches(statement, action, (pattern) => resourceMatchesBySegment(pattern, resource, dialect)))
        return;
      if (statement.condition !== undefined) {
        reasons.push(`${where} would allow it only under its Condition, which is not assumed to hold`);
        return;
      }
      allowed = true;
      reasons.push(`${where} allows it`);
    });
    if (!allowed) {
      allowedByAll = false;
      reasons.push(`policy ${policyIndex} has no unconditional Allow for it`);
    }
  });
  if (policies.length === 0) reasons.push('no policy allows it');
  const decision = denied ? 'explicit-deny' : allowedByAll ? 'allowed' : 'implicit-deny';
  return { decision, reasons };
}

function reaches(
  statement: Statement,
  action: string,
  resourceMatches: (pattern: string) => boolean,
): boolean {
  return (
    statement.actions.some((pattern) => actionMatches(pattern, action)) &&
    statement.resources.some(resourceMatches)
  );
}

/** Shapes shared by the parser, the containment checker and the evaluator. */

export type PolicyDialect = 'aws' | 'volcengine';

/** `request` is a caller's inline policy (restricted grammar); `ceiling` is the grant's policy. */
export type PolicySide = 'request' | 'ceiling';

export interface PolicyIssue {
  /** JSON path, e.g. `$.Statement[1].Action[0]`. */
  path: string;
  reason: string;
}

export type ConditionBlock = Record<string, Record<string, unknown>>;

export interface Statement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
  condition?: ConditionBlock;
}

export interface Policy {
  version?: string;
  statements: Statement[];
}

export type ParseResult =
  | { ok: true; policy: Policy; minified: string; size: number }
  | { ok: false; issues: PolicyIssue[] };

export interface UncoveredPair {
  statementIndex: number;
  action: string;
  resource: string;
  reason: string;
}

export interface StatementVerdict {
  statementIndex: number;
  sid?: string;
  contained: boolean;
  /** Ceiling statements that cover at least one pair of this statement. */
  coveredBy?: number[];
  uncovered: UncoveredPair[];
}

export interface ContainmentVerdict {
  contained: boolean;
  statements: StatementVerdict[];
  /** Human sentences, one per rejected pair (at most 20, then a line saying there may be more). */
  explanation: string[];
  /**
   * Ceiling Deny statements (indexes) that must be sent with the request: present only when
   * the check ran with the ceiling's Denies sent and found some that may overlap it.
   */
  ceilingDenies?: number[];
}

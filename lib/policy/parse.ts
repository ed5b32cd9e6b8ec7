/**
 * Policy document parser. The request side gets the restricted grammar of
 * invariant 7 in docs/security.md (Allow only; Action, Resource, optional Sid and Condition); the ceiling side
 * may also Deny. Neither side may use NotAction, NotResource, Principal, NotPrincipal or
 * policy variables: their meaning is a complement or depends on the request, and the
 * containment checker cannot bound either. Every issue is reported, each with its JSON path.
 */
import { appendJsonPathKey, parseStrictJson } from '../json/strict-json.js';
import {
  actionReason,
  isJsonObject,
  parseCondition,
  resourceReason,
  sidReason,
  versionReason,
} from './policy-fields.js';
import type { ParseResult, PolicyDialect, PolicyIssue, PolicySide, Statement } from './types.js';

/** STS rejects a larger inline policy (before its own, opaque, packed-size limit). */
export const AWS_MAX_POLICY_SIZE = 2048;

/**
 * Bounds on the work one policy may cost (each request policy is parsed and checked before
 * anything is rate-limited or recorded). Volcengine documents no inline-policy size, so it
 * gets AWS's 2048 characters. The size is checked before anything else, so an oversized
 * document costs one JSON.stringify; the counts bound containment, which is a product of
 * actions × resources per statement × ceiling statements.
 */
export const POLICY_LIMITS = {
  maxSize: { aws: AWS_MAX_POLICY_SIZE, volcengine: 2048 } satisfies Record<PolicyDialect, number>,
  maxStatements: 20,
  maxItemsPerList: 100,
} as const;

const DOCUMENT_KEYS = new Set(['Version', 'Statement']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'Resource', 'Condition']);
const FORBIDDEN_STATEMENT_KEYS = new Map([
  ['NotAction', 'NotAction is not supported (its reach is a complement): list the actions under Action'],
  [
    'NotResource',
    'NotResource is not supported (its reach is a complement): list the resources under Resource',
  ],
  ['Principal', 'Principal belongs in resource policies, not in a session policy'],
  ['NotPrincipal', 'NotPrincipal belongs in resource policies, not in a session policy'],
]);

export function parsePolicyText(text: string, dialect: PolicyDialect, side: PolicySide): ParseResult {
  const parsed = parseStrictJson(text);
  if (!parsed.ok) return { ok: false, issues: [{ path: parsed.path, reason: parsed.reason }] };
  return parsePolicyDocument(parsed.value, dialect, side);
}

export function parsePolicyDocument(value: unknown, dialect: PolicyDialect, side: PolicySide): ParseResult {
  if (!isJsonObject(value))
    return { ok: false, issues: [{ path: '$', reason: 'a policy is a JSON object' }] };
  const minified = minify(value);
  if (minified === undefined) return refuse('the policy cannot be serialised as JSON');
  const maxSize = POLICY_LIMITS.maxSize[dialect];
  if (minified.length > maxSize) {
    return refuse(
      `the minified policy is ${minified.length} characters; ${PROVIDER_NAMES[dialect]} accepts at most ${maxSize}`,
    );
  }
  const issues: PolicyIssue[] = [];
  for (const key of Object.keys(value)) {
    if (!DOCUMENT_KEYS.has(key))
      issues.push({ path: appendJsonPathKey('$', key), reason: `unknown key "${key}"` });
  }
  let version: string | undefined;
  if (Object.hasOwn(value, 'Version')) {
    const reason = versionReason(value.Version, dialect);
    if (reason === undefined) version = String(value.Version);
    else issues.push({ path: '$.Version', reason });
  }
  const statements = parseStatements(value.Statement, dialect, side, issues);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    policy: version === undefined ? { statements } : { version, statements },
    minified,
    size: minified.length,
  };
}

const PROVIDER_NAMES: Record<PolicyDialect, string> = { aws: 'AWS', volcengine: 'the broker (Volcengine)' };

const refuse = (reason: string): ParseResult => ({ ok: false, issues: [{ path: '$', reason }] });

/** JSON.stringify keeps key order, so the size is that of the document as written, minified. */
function minify(value: Record<string, unknown>): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function parseStatements(
  value: unknown,
  dialect: PolicyDialect,
  side: PolicySide,
  issues: PolicyIssue[],
): Statement[] {
  if (value === undefined) {
    issues.push({ path: '$.Statement', reason: 'Statement is required' });
    return [];
  }
  if (isJsonObject(value)) return compact([parseStatement(value, '$.Statement', dialect, side, issues)]);
  if (!Array.isArray(value) || value.length === 0) {
    issues.push({ path: '$.Statement', reason: 'Statement is an object or a non-empty array of objects' });
    return [];
  }
  if (value.length > POLICY_LIMITS.maxStatements) {
    issues.push({
      path: '$.Statement',
      reason: `a policy holds at most ${POLICY_LIMITS.maxStatements} statements (it has ${value.length})`,
    });
    return [];
  }
  return compact(
    value.map((statement, index) =>
      parseStatement(statement, `$.Statement[${index}]`, dialect, side, issues),
    ),
  );
}

function parseStatement(
  value: unknown,
  path: string,
  dialect: PolicyDialect,
  side: PolicySide,
  issues: PolicyIssue[],
): Statement | undefined {
  if (!isJsonObject(value)) {
    issues.push({ path, reason: 'a statement is a JSON object' });
    return undefined;
  }
  const before = issues.length;
  for (const key of Object.keys(value)) {
    if (STATEMENT_KEYS.has(key)) continue;
    const reason = FORBIDDEN_STATEMENT_KEYS.get(key) ?? `unknown key "${key}"`;
    issues.push({ path: appendJsonPathKey(path, key), reason });
  }

  const effect = value.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') {
    issues.push({ path: `${path}.Effect`, reason: 'Effect is "Allow" or "Deny"' });
  } else if (side === 'request' && effect === 'Deny') {
    issues.push({
      path: `${path}.Effect`,
      reason: 'a requested policy may only Allow; the ceiling decides what is denied',
    });
  }
  const actions = parseStringList(value.Action, `${path}.Action`, 'Action', issues, actionReason);
  const resources = parseStringList(value.Resource, `${path}.Resource`, 'Resource', issues, (resource) =>
    resourceReason(resource, dialect, side),
  );
  let sid: string | undefined;
  if (Object.hasOwn(value, 'Sid')) {
    const reason = sidReason(value.Sid, dialect);
    if (reason === undefined) sid = String(value.Sid);
    else issues.push({ path: `${path}.Sid`, reason });
  }
  const condition = Object.hasOwn(value, 'Condition')
    ? parseCondition(value.Condition, `${path}.Condition`, issues)
    : undefined;

  if (issues.length > before || (effect !== 'Allow' && effect !== 'Deny')) return undefined;
  const statement: Statement = { effect, actions, resources };
  if (sid !== undefined) statement.sid = sid;
  if (condition !== undefined) statement.condition = condition;
  return statement;
}

/** A string, or a non-empty array of strings; each item checked by `itemReason`. */
function parseStringList(
  value: unknown,
  path: string,
  label: string,
  issues: PolicyIssue[],
  itemReason: (item: string) => string | undefined,
): string[] {
  if (value === undefined) {
    issues.push({ path, reason: `${label} is required` });
    return [];
  }
  const items = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(items) || items.length === 0) {
    issues.push({ path, reason: `${label} is a string or a non-empty array of strings` });
    return [];
  }
  if (items.length > POLICY_LIMITS.maxItemsPerList) {
    issues.push({
      path,
      reason: `${label} lists at most ${POLICY_LIMITS.maxItemsPerList} items (it has ${items.length})`,
    });
    return [];
  }
  const strings: string[] = [];
  items.forEach((item: unknown, index) => {
    const itemPath = typeof value === 'string' ? path : `${path}[${index}]`;
    if (typeof item !== 'string') {
      issues.push({ path: itemPath, reason: `${label} items are strings` });
      return;
    }
    const reason = itemReason(item);
    if (reason === undefined) strings.push(item);
    else issues.push({ path: itemPath, reason });
  });
  return strings;
}

function compact<T>(items: (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

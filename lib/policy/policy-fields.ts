/**
 * Validation of the leaf values of a policy: actions, resources, Sid, Version, Condition.
 * Each check returns the reason it fails, or undefined.
 */
import { appendJsonPathKey } from '../json/strict-json.js';
import { RESOURCE_SHAPES, splitSegments } from './resource.js';
import type { ConditionBlock, PolicyDialect, PolicyIssue, PolicySide } from './types.js';

// The service part allows `-` and `_` (e.g. `auto_scaling`), the name part letters and digits.
const ACTION_SHAPE = /^[A-Za-z0-9_*?-]+:[A-Za-z0-9_*?-]+$/;
const VARIABLE_OPENING = '$' + '{';
const AWS_SID = /^[A-Za-z0-9]*$/;
const AWS_VERSIONS = ['2012-10-17', '2008-10-17'];

/**
 * Printable ASCII only: a lookalike such as U+FF0A (fullwidth asterisk) reads as `*` to a
 * reviewer and as a literal to AWS, or the other way round; either way the two disagree.
 */
export function nonPrintableAsciiReason(value: string, allowSpace: boolean): string | undefined {
  const lowest = allowSpace ? 0x20 : 0x21;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < lowest || code > 0x7e) {
      const codePoint = value.codePointAt(index) ?? code;
      const label = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
      return `contains ${label} at index ${index}; only printable ASCII${allowSpace ? '' : ' without spaces'} is allowed`;
    }
  }
  return undefined;
}

/** Policy variables are resolved by AWS per request, so their scope cannot be compared. */
function variableReason(value: string): string | undefined {
  return value.includes(VARIABLE_OPENING)
    ? `policy variables (\`${VARIABLE_OPENING}…}\`) are not allowed`
    : undefined;
}

export function actionReason(action: string): string | undefined {
  if (action.length === 0) return 'an action must not be empty';
  const reason = nonPrintableAsciiReason(action, false) ?? variableReason(action);
  if (reason !== undefined) return reason;
  if (action !== '*' && !ACTION_SHAPE.test(action)) return 'an action is `*` or `service:ActionName`';
  return undefined;
}

export function resourceReason(
  resource: string,
  dialect: PolicyDialect,
  side: PolicySide,
): string | undefined {
  if (resource.length === 0) return 'a resource must not be empty';
  const reason = nonPrintableAsciiReason(resource, true) ?? variableReason(resource);
  if (reason !== undefined) return reason;
  // A ceiling may hold a short pattern such as `arn:aws:s3:*` (meaningful in a Deny); a
  // request may not, since its reach across segments is undocumented.
  if (side === 'ceiling' || resource === '*') return undefined;
  const shape = RESOURCE_SHAPES[dialect];
  const segments = splitSegments(resource, shape.segmentNames.length);
  if (segments === undefined || segments[0] !== shape.prefix) {
    return `a resource is \`*\` or \`${shape.prefix}:${shape.segmentNames.slice(1).join(':')}\``;
  }
  return undefined;
}

export function sidReason(sid: unknown, dialect: PolicyDialect): string | undefined {
  if (typeof sid !== 'string') return 'Sid must be a string';
  if (dialect === 'aws' && !AWS_SID.test(sid)) return 'Sid may hold only ASCII letters and digits';
  return nonPrintableAsciiReason(sid, true);
}

export function versionReason(version: unknown, dialect: PolicyDialect): string | undefined {
  if (typeof version !== 'string') return 'Version must be a string';
  if (dialect === 'aws' && !AWS_VERSIONS.includes(version))
    return `Version must be one of ${AWS_VERSIONS.join(', ')}`;
  return nonPrintableAsciiReason(version, false);
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `{ Operator: { key: value | [values] } }`. Kept as data: containment only compares
 * conditions for deep equality, so only their shape and variables are checked here.
 */
export function parseCondition(
  value: unknown,
  path: string,
  issues: PolicyIssue[],
): ConditionBlock | undefined {
  if (!isJsonObject(value) || Object.keys(value).length === 0) {
    issues.push({ path, reason: 'Condition must be a non-empty object of operators' });
    return undefined;
  }
  const before = issues.length;
  const block: [string, Record<string, unknown>][] = [];
  for (const [operator, keys] of Object.entries(value)) {
    const operatorPath = appendJsonPathKey(path, operator);
    if (!isJsonObject(keys) || Object.keys(keys).length === 0) {
      issues.push({ path: operatorPath, reason: 'a condition operator maps to a non-empty object of keys' });
      continue;
    }
    for (const [key, operand] of Object.entries(keys)) {
      const reason = conditionOperandReason(operand) ?? variableReason(key);
      if (reason !== undefined) issues.push({ path: appendJsonPathKey(operatorPath, key), reason });
    }
    block.push([operator, keys]);
  }
  // fromEntries defines own properties, so an operator named `__proto__` stays a plain key.
  return issues.length === before ? Object.fromEntries(block) : undefined;
}

function conditionOperandReason(operand: unknown): string | undefined {
  const values = Array.isArray(operand) ? operand : [operand];
  if (values.length === 0) return 'a condition value list must not be empty';
  for (const item of values) {
    if (typeof item === 'string') {
      const reason = variableReason(item);
      if (reason !== undefined) return reason;
    } else if (typeof item !== 'boolean' && !(typeof item === 'number' && Number.isFinite(item))) {
      return 'a condition value is a string, a finite number or a boolean';
    }
  }
  return undefined;
}

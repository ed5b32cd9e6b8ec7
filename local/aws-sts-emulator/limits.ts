/**
 * The input limits real STS enforces on AssumeRole (see the AssumeRole page of the AWS STS API
 * reference). Syntax violations are collected into one ValidationError as AWS does; the
 * duration limits that depend on the role are checked later, once the caller is trusted.
 */
import { deflateRawSync } from 'node:zlib';
import { malformedPolicy, packedPolicyTooLarge, validationError, validationErrors } from './errors.js';
import { type QueryParams, stringList, structureList } from './query.js';

export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 43_200;
export const DEFAULT_DURATION_SECONDS = 3600;
/** AWS caps a session obtained by role chaining at one hour, whatever the role allows. */
export const ROLE_CHAINING_MAX_SECONDS = 3600;
const MAX_POLICY_CHARS = 2048;
const MAX_POLICY_ARNS = 10;
const MAX_TAGS = 50;
/** Emulator's stand-in for the undocumented packed-size budget (deflated bytes = 100 %). */
const PACKED_BUDGET_BYTES = 2048;

const NAME_PATTERN = { regex: /^[\w+=,.@-]*$/, text: '[\\w+=,.@-]*' };
const EXTERNAL_ID_PATTERN = { regex: /^[\w+=,./@:-]*$/, text: '[\\w+=,./@:-]*' };
// Tab, LF, CR and Latin-1 only; a character test, since biome refuses control characters in a regex.
const POLICY_PATTERN = {
  regex: {
    test: (value: string) =>
      value.length > 0 &&
      [...value].every((c) => {
        const code = c.codePointAt(0) ?? 0;
        return code === 0x09 || code === 0x0a || code === 0x0d || (code >= 0x20 && code <= 0xff);
      }),
  },
  text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
};
const TAG_KEY_PATTERN = { regex: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, text: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+' };
const TAG_VALUE_PATTERN = {
  regex: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
  text: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
};

export interface SessionTag {
  key: string;
  value: string;
}

/**
 * The AssumeRole request parameters, in the order of the STS API reference. The emulator's
 * own model of STS, on purpose not the broker's issuer input: it checks what the broker sends.
 */
export interface AssumeRoleInput {
  roleArn: string;
  roleSessionName: string;
  policyArns: string[];
  /** Minified session policy JSON. */
  policy?: string;
  durationSeconds: number;
  tags: SessionTag[];
  transitiveTagKeys: string[];
  externalId?: string;
  sourceIdentity?: string;
}

interface StringRule {
  min: number;
  max: number;
  pattern?: { regex: { test(value: string): boolean }; text: string };
}

/** Appends the violation of one string field, in AWS's wording, to `violations`. */
function checkString(violations: string[], field: string, value: string | undefined, rule: StringRule): void {
  if (value === undefined) return;
  const length = [...value].length;
  const at = `Value '${value}' at '${field}' failed to satisfy constraint:`;
  if (length < rule.min)
    violations.push(`${at} Member must have length greater than or equal to ${rule.min}`);
  if (length > rule.max) violations.push(`${at} Member must have length less than or equal to ${rule.max}`);
  if (rule.pattern !== undefined && !rule.pattern.regex.test(value)) {
    violations.push(`${at} Member must satisfy regular expression pattern: ${rule.pattern.text}`);
  }
}

function required(violations: string[], field: string, value: string | undefined): void {
  if (value === undefined) {
    violations.push(`Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
}

function parseDuration(violations: string[], raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_DURATION_SECONDS;
  const at = `Value '${raw}' at 'durationSeconds' failed to satisfy constraint:`;
  if (!/^-?\d{1,12}$/.test(raw)) {
    violations.push(`${at} Member must be an integer`);
    return DEFAULT_DURATION_SECONDS;
  }
  const seconds = Number(raw);
  if (seconds < MIN_DURATION_SECONDS) {
    violations.push(`${at} Member must have value greater than or equal to ${MIN_DURATION_SECONDS}`);
  }
  if (seconds > MAX_DURATION_SECONDS) {
    violations.push(`${at} Member must have value less than or equal to ${MAX_DURATION_SECONDS}`);
  }
  return seconds;
}

/** Syntax checks of every AssumeRole parameter; throws the first kind of error found. */
export function parseAssumeRole(params: QueryParams): AssumeRoleInput {
  const violations: string[] = [];
  const roleArn = params.get('RoleArn');
  const roleSessionName = params.get('RoleSessionName');
  const externalId = params.get('ExternalId');
  const sourceIdentity = params.get('SourceIdentity');
  const policy = params.get('Policy');
  required(violations, 'roleArn', roleArn);
  required(violations, 'roleSessionName', roleSessionName);
  checkString(violations, 'roleArn', roleArn, { min: 20, max: 2048 });
  checkString(violations, 'roleSessionName', roleSessionName, { min: 2, max: 64, pattern: NAME_PATTERN });
  checkString(violations, 'externalId', externalId, { min: 2, max: 1224, pattern: EXTERNAL_ID_PATTERN });
  checkString(violations, 'sourceIdentity', sourceIdentity, { min: 2, max: 64, pattern: NAME_PATTERN });
  checkString(violations, 'policy', policy, { min: 1, max: MAX_POLICY_CHARS, pattern: POLICY_PATTERN });
  const durationSeconds = parseDuration(violations, params.get('DurationSeconds'));

  const policyArnMembers = structureList(params, 'PolicyArns', ['arn']).map((member) => member.arn);
  if (policyArnMembers.length > MAX_POLICY_ARNS) {
    violations.push(
      `Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_ARNS}`,
    );
  }
  policyArnMembers.forEach((arn, i) => {
    required(violations, `policyArns.${i + 1}.member.arn`, arn);
    checkString(violations, `policyArns.${i + 1}.member.arn`, arn, { min: 20, max: 2048 });
  });

  const tagMembers = structureList(params, 'Tags', ['Key', 'Value']);
  if (tagMembers.length > MAX_TAGS) {
    violations.push(
      `Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`,
    );
  }
  tagMembers.forEach((tag, i) => {
    required(violations, `tags.${i + 1}.member.key`, tag.Key);
    required(violations, `tags.${i + 1}.member.value`, tag.Value);
    checkString(violations, `tags.${i + 1}.member.key`, tag.Key, {
      min: 1,
      max: 128,
      pattern: TAG_KEY_PATTERN,
    });
    checkString(violations, `tags.${i + 1}.member.value`, tag.Value, {
      min: 0,
      max: 256,
      pattern: TAG_VALUE_PATTERN,
    });
  });
  const transitiveTagKeys = stringList(params, 'TransitiveTagKeys');
  if (transitiveTagKeys.length > MAX_TAGS) {
    violations.push(
      `Value at 'transitiveTagKeys' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`,
    );
  }
  if (violations.length > 0 || roleArn === undefined || roleSessionName === undefined) {
    throw validationErrors(violations);
  }

  if (sourceIdentity?.toLowerCase().startsWith('aws:')) {
    throw validationError("SourceIdentity cannot start with the reserved prefix 'aws:'.");
  }
  const policyArns = policyArnMembers.map((arn) => arn ?? '');
  const tags = tagMembers.map((tag) => ({ key: tag.Key ?? '', value: tag.Value ?? '' }));
  checkTagSemantics(tags, transitiveTagKeys);
  const input: AssumeRoleInput = {
    roleArn,
    roleSessionName,
    durationSeconds,
    policyArns,
    tags,
    transitiveTagKeys,
  };
  if (externalId !== undefined) input.externalId = externalId;
  if (sourceIdentity !== undefined) input.sourceIdentity = sourceIdentity;
  if (policy !== undefined) input.policy = minifyPolicy(policy);
  return input;
}

function checkTagSemantics(tags: SessionTag[], transitiveTagKeys: string[]): void {
  const keys = new Set<string>();
  for (const { key } of tags) {
    if (key.toLowerCase().startsWith('aws:')) throw validationError("Tag keys cannot start with 'aws:'.");
    if (keys.has(key.toLowerCase())) {
      throw validationError('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    }
    keys.add(key.toLowerCase());
  }
  for (const key of transitiveTagKeys) {
    if (!keys.has(key.toLowerCase())) {
      throw validationError('The specified transitive tag key must be included in the requested tags.');
    }
  }
}

function minifyPolicy(policy: string): string {
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    throw malformedPolicy('Syntax errors in policy.');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw malformedPolicy('The policy is not a JSON object.');
  }
  return JSON.stringify(document);
}

/** Role-dependent duration limits: the role's maximum, then the role-chaining cap. */
export function checkDuration(durationSeconds: number, roleMaxSeconds: number, roleChaining: boolean): void {
  if (durationSeconds > roleMaxSeconds) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  if (roleChaining && durationSeconds > ROLE_CHAINING_MAX_SECONDS) {
    throw validationError(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
}

/**
 * PackedPolicySize: session policy, policy ARNs and tags, compressed, as a percentage of
 * the budget. STS only reports it (and only fails it) when any of them was passed.
 */
export function packedPolicyPercent(input: AssumeRoleInput): number | undefined {
  if (input.policy === undefined && input.policyArns.length === 0 && input.tags.length === 0)
    return undefined;
  const packed = [
    input.policy ?? '',
    ...input.policyArns,
    ...input.tags.map((tag) => `${tag.key}=${tag.value}`),
  ];
  const percent = Math.ceil((100 * deflateRawSync(packed.join('\n')).length) / PACKED_BUDGET_BYTES);
  if (percent > 100) throw packedPolicyTooLarge(percent);
  return percent;
}

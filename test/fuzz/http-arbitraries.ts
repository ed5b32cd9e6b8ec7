/**
 * Generators of hostile and near-valid POST /v1/credentials requests: bodies (valid shapes
 * with wrong values, smuggled fields, prototype keys, deep nesting, random JSON and text),
 * headers that try to name a caller, authorizer blocks, session policies, and faults.
 */
import fc from 'fast-check';
import type { AuditDecision } from '../../lib/audit/record.js';
import {
  REPORTING_SERVICE,
  REPORTS_ROLE,
  ROTATION_JOB,
  STRANGER,
  TOS_ROLE,
  VAULT_ROLE,
} from '../support/grants.js';
import { CALLER_ASSUMED_ROLE_ARN } from '../support/lambda.js';

const GRANTS = ['reports-reader', 'doris-vault-rotation', 'tos-reader', 'unknown-grant', 'REPORTS-READER'];
/** Role ARNs as given, with Cyrillic/fullwidth look-alikes and invisible characters. */
const ROLE_ARNS = [
  REPORTS_ROLE,
  VAULT_ROLE,
  TOS_ROLE,
  'arn:aws:iam::222222222222:role/reports-reаd',
  'arn:aws:iam::222222222222:role/reports\u200bread',
  'arn：aws:iam::222222222222:role/reports-read',
  'arn:aws:iam::２２２222222222:role/reports-read',
  `${REPORTS_ROLE} `,
  'arn:aws:iam::*:role/*',
];
const ACTIONS = [
  's3:GetObject',
  's3:ListBucket',
  's3:Get*',
  's3:*',
  '*',
  'iam:PassRole',
  'S3:GETOBJECT',
  'ѕ3:GetObject',
];
const RESOURCES = [
  'arn:aws:s3:::reports-bucket',
  'arn:aws:s3:::reports-bucket/*',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, refused by the broker
  'arn:aws:s3:::reports-bucket/${aws:username}/*',
  'arn:aws:s3:::other-bucket/*',
  'arn:aws:s3:::reports-bucket/private/*',
  '*',
  'arn:aws:s3:::reports-bucket/ünïcode',
];
const SMUGGLED = [
  'externalId',
  'roleSessionName',
  'sourceIdentity',
  'tags',
  'policyArns',
  'caller',
  '__proto__',
  'constructor',
  'prototype',
];

const oneOrMany = <T>(values: readonly T[]) =>
  fc.oneof(fc.constantFrom(...values), fc.array(fc.constantFrom(...values), { minLength: 1, maxLength: 4 }));

const statement = fc.record(
  {
    Effect: fc.constantFrom('Allow', 'Deny', 'allow', ''),
    Action: oneOrMany(ACTIONS),
    Resource: oneOrMany(RESOURCES),
    NotAction: oneOrMany(ACTIONS),
    Principal: fc.constant('*'),
    Condition: fc.constant({ StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }),
    Sid: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: ['Effect', 'Action', 'Resource'] },
);

export const policy = fc.oneof(
  fc.record({ Version: fc.constant('2012-10-17'), Statement: fc.array(statement, { maxLength: 4 }) }),
  fc.record({ Statement: statement }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
);

const duration = fc.oneof(
  fc.integer({ min: -10, max: 50_000 }),
  fc.constantFrom(900, 3600, 3601, 43_200, 0),
  fc.double({ noNaN: false }),
  fc.constantFrom('3600', '1e400', null, true),
);

/** Absent (`undefined`) with weight `absent`, else one of the weighted choices. */
function sometimes<T>(absent: number, ...choices: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T | undefined> {
  const weighted: fc.WeightedArbitrary<T | undefined>[] = choices.map(([weight, arbitrary]) => ({
    weight,
    arbitrary,
  }));
  return fc.oneof({ weight: absent, arbitrary: fc.constant(undefined) }, ...weighted);
}

/** Inside the reports-reader ceiling's Allow (some reach its Deny): the cases that go all the way to STS. */
const containedPolicy = fc.record({
  Version: fc.constant('2012-10-17'),
  Statement: fc.array(
    fc.record({
      Effect: fc.constant('Allow'),
      Action: fc.subarray(['s3:GetObject', 's3:ListBucket'], { minLength: 1 }),
      Resource: fc.constantFrom(
        'arn:aws:s3:::reports-bucket/*',
        'arn:aws:s3:::reports-bucket/daily/*',
        'arn:aws:s3:::reports-bucket/private/*',
      ),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

const target = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...GRANTS.slice(0, 3)).map((grant) => ({ grant })) },
  { weight: 3, arbitrary: fc.constantFrom(...ROLE_ARNS).map((roleArn) => ({ roleArn })) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        grant: fc.oneof(fc.constantFrom(...GRANTS), fc.string({ maxLength: 70 })),
        roleArn: fc.string({ maxLength: 40 }),
      },
      { requiredKeys: [] },
    ),
  },
);

const structuredBody = fc.record({
  target,
  durationSeconds: sometimes(3, [3, fc.integer({ min: 900, max: 3600 })], [2, duration]),
  policy: sometimes(4, [3, containedPolicy], [2, policy]),
  dryRun: sometimes<unknown>(5, [2, fc.boolean()], [1, fc.constantFrom('true', 1)]),
  smuggled: sometimes(8, [1, fc.tuple(fc.constantFrom(...SMUGGLED), fc.jsonValue({ maxDepth: 2 }))]),
});

/** A body as the text API Gateway would hand over. */
export const rawBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: structuredBody.map(render) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 5_000 })
      .map((depth) => `{"grant":"reports-reader","policy":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 20_000 })
      .map((n) => JSON.stringify({ grant: 'reports-reader', policy: { Statement: Array(n).fill({}) } })),
  },
);

/** Smuggled keys go in as raw text, so `__proto__` reaches the parser as a real key. */
function render(body: {
  target: Record<string, unknown>;
  smuggled: [string, unknown] | undefined;
  [field: string]: unknown;
}): string {
  const { target: chosen, smuggled, ...fields } = body;
  const json = JSON.stringify({ ...chosen, ...fields });
  if (!smuggled) return json;
  const extra = `${JSON.stringify(smuggled[0])}:${JSON.stringify(smuggled[1]) ?? 'null'}`;
  return json === '{}' ? `{${extra}}` : `${json.slice(0, -1)},${extra}}`;
}

export const headers = fc.dictionary(
  fc.constantFrom(
    'x-forwarded-for',
    'x-real-ip',
    'x-caller',
    'x-amzn-oidc-identity',
    'x-amzn-requestcontext',
    'authorization',
    'x-amz-security-token',
    'content-type',
  ),
  fc.oneof(
    fc.constantFrom(ROTATION_JOB, REPORTING_SERVICE, '203.0.113.9', 'Bearer x.y.z'),
    fc.string({ maxLength: 40 }),
  ),
  { maxKeys: 5 },
);

export const authorizer = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ iam: { userArn: CALLER_ASSUMED_ROLE_ARN } }) },
  { weight: 2, arbitrary: fc.constantFrom(ROTATION_JOB, STRANGER).map((userArn) => ({ iam: { userArn } })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((userArn) => ({ iam: { userArn } })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('https://issuer.example.com', 'https://evil.example'),
        fc.string({ maxLength: 20 }),
      )
      .map(([iss, sub]) => ({ jwt: { claims: { iss, sub }, scopes: [] } })),
  },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

export const STS_FAILURES = [
  'Throttling',
  'AccessDenied',
  'ValidationError',
  'RegionDisabledException',
  'TimeoutError',
];

export const faults = fc.record({
  auditFailsOn: sometimes(6, [
    1,
    fc.constantFrom<AuditDecision[]>('DENIED', 'DRY_RUN', 'INTENT', 'ISSUED', 'FAILED'),
  ]),
  stsFails: sometimes(6, [1, fc.constantFrom(...STS_FAILURES)]),
  overRate: fc.oneof(
    { weight: 7, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
});

export type Faults = typeof faults extends fc.Arbitrary<infer F> ? F : never;

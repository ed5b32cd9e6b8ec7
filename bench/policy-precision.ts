/**
 * Policy precision benchmark: `npx tsx bench/policy-precision.ts [cases] [seed]`.
 *
 * Random requests against random ceilings with wildcards, Conditions and Denies, drawn from
 * an IAM-like vocabulary (S3 and EC2 actions and ARNs, with case variants and `?`). For each
 * case an exact oracle (test/support/bounded-iam-oracle.ts, which shares no code with
 * lib/policy) says whether the request is containable: whether the request, sent with all
 * the ceiling's Deny statements, grants nothing outside the ceiling. Then the broker's
 * choice (`chooseSessionPolicy`) accepts or refuses it, and the oracle checks the document
 * actually sent. Measured side by side in one run: the checker as it was (a request sent
 * alone, any overlap with a ceiling Deny refused) and as it is now.
 *
 * Figures: contained cases, accepted and accepted-and-contained for each checker, precision
 * (accepted / contained) and escapes (an accepted session granting something the ceiling
 * does not: must be 0), plus the reasons the contained-but-refused requests were refused
 * (SHOW_REFUSED=1 prints each such request and ceiling).
 */

import { BrokerError } from '../lib/errors.js';
import { chooseSessionPolicy } from '../lib/issuance/session-policy.js';
import { checkContainment, parsePolicyDocument } from '../lib/policy/index.js';
import { escapes } from '../test/support/bounded-iam-oracle.js';
import { awsGrantOf } from '../test/support/grants.js';
import { seededRandom } from '../test/support/seeded-random.js';
import { appendResult } from './support/results.js';

const CASES = Number(process.argv[2] ?? 300);
const SEED = Number(process.argv[3] ?? 17);

type Random = (below: number) => number;
type Decision = { document: string } | { reason: string };

const pick = <T>(random: Random, items: readonly T[]): T => items[random(items.length)] as T;
const some = <T>(random: Random, items: readonly T[], max: number): T[] => [
  ...new Set(Array.from({ length: 1 + random(max) }, () => pick(random, items))),
];

const S3_ACTIONS = [
  's3:GetObject',
  's3:GetObjectAcl',
  's3:GetObjectTagging',
  's3:PutObject',
  's3:PutObjectAcl',
  's3:DeleteObject',
  's3:ListBucket',
  's3:GetBucketPolicy',
];
const S3_ACTION_PATTERNS = [
  's3:Get*',
  's3:Put*',
  's3:*Object',
  's3:Get?bject',
  's3:*',
  's3:List*',
  's3:Delete*',
];
const EC2_ACTIONS = [
  'ec2:DescribeInstances',
  'ec2:StartInstances',
  'ec2:StopInstances',
  'ec2:AuthorizeSecurityGroupIngress',
];
const EC2_ACTION_PATTERNS = ['ec2:Describe*', 'ec2:*Instances', 'ec2:Authorize*', 'ec2:*'];
const BUCKETS = ['reports', 'data-1', 'data-2'];
const S3_RESOURCES = BUCKETS.flatMap((b) => [
  `arn:aws:s3:::${b}`,
  `arn:aws:s3:::${b}/*`,
  `arn:aws:s3:::${b}/2024/*`,
  `arn:aws:s3:::${b}/private/*`,
  `arn:aws:s3:::${b}/private/key`,
]);
const S3_RESOURCE_PATTERNS = [
  'arn:aws:s3:::reports*',
  'arn:aws:s3:::data-?/*',
  'arn:aws:s3:::*',
  'arn:aws:s3:::*/private/*',
];
const EC2_RESOURCES = [
  'arn:aws:ec2:eu-west-1:111122223333:instance/*',
  'arn:aws:ec2:eu-west-1:111122223333:instance/i-1',
  'arn:aws:ec2:*:111122223333:instance/*',
  'arn:aws:ec2:eu-west-1:111122223333:security-group/*',
];
const CONDITIONS = [
  { Bool: { 'aws:SecureTransport': 'true' } },
  { StringEquals: { 'aws:SourceVpc': 'vpc-1' } },
];

interface Vocabulary {
  actions: string[];
  actionPatterns: string[];
  resources: string[];
  resourcePatterns: string[];
}
const S3: Vocabulary = {
  actions: S3_ACTIONS,
  actionPatterns: S3_ACTION_PATTERNS,
  resources: S3_RESOURCES,
  resourcePatterns: S3_RESOURCE_PATTERNS,
};
const EC2: Vocabulary = {
  actions: EC2_ACTIONS,
  actionPatterns: EC2_ACTION_PATTERNS,
  resources: EC2_RESOURCES,
  resourcePatterns: ['arn:aws:ec2:*:111122223333:*', 'arn:aws:ec2:eu-west-1:*:instance/*'],
};

const anyOf = (random: Random, concrete: string[], patterns: string[]) =>
  random(3) === 0 ? pick(random, patterns) : pick(random, concrete);
const caseVariant = (random: Random, action: string) =>
  random(8) === 0 ? action.toUpperCase() : random(8) === 0 ? action.toLowerCase() : action;

function ceilingFor(random: Random): Record<string, unknown> {
  const statements: Record<string, unknown>[] = [];
  const allows = 1 + random(3);
  for (let n = 0; n < allows; n++) {
    const vocabulary = random(4) === 0 ? EC2 : S3;
    const statement: Record<string, unknown> = {
      Effect: 'Allow',
      Action: some(
        random,
        [...vocabulary.actions, ...vocabulary.actionPatterns, ...vocabulary.actionPatterns],
        3,
      ),
      Resource: some(
        random,
        [...vocabulary.resources, ...vocabulary.resourcePatterns, ...(random(6) === 0 ? ['*'] : [])],
        3,
      ),
    };
    if (random(6) === 0) statement.Condition = pick(random, CONDITIONS);
    statements.push(statement);
  }
  const denies = random(3);
  for (let n = 0; n < denies; n++) {
    const vocabulary = random(4) === 0 ? EC2 : S3;
    const statement: Record<string, unknown> = {
      Effect: 'Deny',
      Action: some(random, [...vocabulary.actionPatterns, ...vocabulary.actions, '*'], 2),
      Resource: some(random, [...vocabulary.resources, ...vocabulary.resourcePatterns, '*'], 2),
    };
    if (random(8) === 0) statement.Condition = pick(random, CONDITIONS);
    statements.push(statement);
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** Mostly narrowings of what the ceiling allows, sometimes anything from the vocabulary. */
function requestFor(random: Random, ceiling: Record<string, unknown>): Record<string, unknown> {
  const ceilingStatements = ceiling.Statement as {
    Action: string[];
    Resource: string[];
    Condition?: unknown;
  }[];
  const statements = Array.from({ length: 1 + random(2) }, () => {
    const base = pick(random, ceilingStatements);
    const vocabulary = base.Action.some((a) => a.startsWith('ec2')) ? EC2 : S3;
    const fromBase = random(4) !== 0;
    const actions = Array.from({ length: 1 + random(3) }, () =>
      caseVariant(
        random,
        fromBase && random(2) === 0
          ? pick(random, base.Action)
          : anyOf(random, vocabulary.actions, vocabulary.actionPatterns),
      ),
    );
    const resources = Array.from({ length: 1 + random(2) }, () =>
      fromBase && random(2) === 0
        ? pick(random, base.Resource)
        : anyOf(random, vocabulary.resources, vocabulary.resourcePatterns),
    );
    const statement: Record<string, unknown> = {
      Effect: 'Allow',
      Action: [...new Set(actions)],
      Resource: [...new Set(resources)],
    };
    if (base.Condition !== undefined && random(2) === 0) statement.Condition = base.Condition;
    return statement;
  });
  return { Version: '2012-10-17', Statement: statements };
}

/** The request with every ceiling Deny appended: the widest session any checker could send safely. */
function withAllDenies(request: Record<string, unknown>, ceiling: Record<string, unknown>) {
  const denies = (ceiling.Statement as { Effect: string }[]).filter((s) => s.Effect === 'Deny');
  return { ...request, Statement: [...(request.Statement as unknown[]), ...denies] };
}

/** The checker before this change: the request is sent alone and must avoid every Deny. */
function decideWithheld(request: Record<string, unknown>, ceiling: Record<string, unknown>): Decision {
  const parsedRequest = parsePolicyDocument(request, 'aws', 'request');
  const parsedCeiling = parsePolicyDocument(ceiling, 'aws', 'ceiling');
  if (!parsedRequest.ok || !parsedCeiling.ok) throw new Error('generated an invalid policy');
  const verdict = checkContainment(parsedRequest.policy, parsedCeiling.policy, 'aws');
  return verdict.contained ? { document: parsedRequest.minified } : { reason: verdict.explanation[0] ?? '' };
}

function decideNow(request: Record<string, unknown>, ceiling: Record<string, unknown>): Decision {
  try {
    const chosen = chooseSessionPolicy(awsGrantOf({ policy: ceiling }), request);
    return { document: chosen.document ?? '' };
  } catch (error) {
    if (!(error instanceof BrokerError) || error.status !== 400) throw error;
    return { reason: error.fields?.[0]?.message ?? error.code };
  }
}

/** "…: no ceiling Allow statement covers the action (…)" → "no ceiling Allow statement covers the action". */
const reasonKind = (reason: string) =>
  (reason.split(': ').slice(1).join(': ') || reason)
    .replace(/ \(.*$/, '')
    .replace(/statement \d+(, \d+)*/g, 'statement N')
    .replace(/`[^`]*`/g, '…');

function main() {
  const random = seededRandom(SEED);
  const tally = {
    cases: 0,
    contained: 0,
    before: { accepted: 0, acceptedContained: 0, escapes: 0 },
    now: { accepted: 0, acceptedContained: 0, escapes: 0 },
  };
  const refusedReasons = new Map<string, number>();
  const started = performance.now();
  for (let n = 0; n < CASES; n++) {
    const ceiling = ceilingFor(random);
    const request = requestFor(random, ceiling);
    tally.cases++;
    const containable = escapes(withAllDenies(request, ceiling), ceiling, { limit: 1 }).length === 0;
    if (containable) tally.contained++;
    for (const [label, decide] of [
      ['before', decideWithheld],
      ['now', decideNow],
    ] as const) {
      const decision = decide(request, ceiling);
      const counts = tally[label];
      if ('reason' in decision) {
        if (containable && label === 'now') {
          const kind = reasonKind(decision.reason);
          refusedReasons.set(kind, (refusedReasons.get(kind) ?? 0) + 1);
          if (process.env.SHOW_REFUSED) console.error(JSON.stringify({ request, ceiling }), decision.reason);
        }
        continue;
      }
      counts.accepted++;
      if (containable) counts.acceptedContained++;
      const escaped = escapes(decision.document, ceiling, { limit: 1 });
      if (escaped.length > 0) {
        counts.escapes++;
        console.error(`ESCAPE (${label}):`, JSON.stringify({ request, ceiling, escaped }));
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const precision = (counts: { acceptedContained: number }) =>
    tally.contained === 0 ? Number.NaN : (100 * counts.acceptedContained) / tally.contained;
  const lines = [
    `cases ${tally.cases}, contained (oracle) ${tally.contained}`,
    `before: accepted ${tally.before.accepted}, accepted and contained ${tally.before.acceptedContained}, precision ${precision(tally.before).toFixed(1)} %, escapes ${tally.before.escapes}`,
    `now:    accepted ${tally.now.accepted}, accepted and contained ${tally.now.acceptedContained}, precision ${precision(tally.now).toFixed(1)} %, escapes ${tally.now.escapes}`,
    `contained but refused now, by first reason: ${[...refusedReasons].map(([k, v]) => `${v} × ${k}`).join('; ') || 'none'}`,
    `${seconds.toFixed(1)} s`,
  ];
  console.log(lines.join('\n'));
  appendResult({
    command: `npx tsx bench/policy-precision.ts ${CASES} ${SEED}`,
    figures: [
      { name: 'precision before', unit: '%', values: [precision(tally.before)] },
      { name: 'precision now', unit: '%', values: [precision(tally.now)] },
      { name: 'escapes before', unit: '', values: [tally.before.escapes] },
      { name: 'escapes now', unit: '', values: [tally.now.escapes] },
    ],
    notes: `${tally.cases} cases, ${tally.contained} contained by the exact oracle; accepted and contained before ${tally.before.acceptedContained}/${tally.contained}, now ${tally.now.acceptedContained}/${tally.contained}; contained but still refused: ${[...refusedReasons].map(([k, v]) => `${v} × ${k}`).join('; ') || 'none'}`,
  });
  if (tally.now.escapes > 0) process.exitCode = 1;
}

main();

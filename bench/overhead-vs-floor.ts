/**
 * Overhead versus the physical floor: `npx tsx bench/overhead-vs-floor.ts`.
 *
 * The deployed issue-credentials handler (middy chain, real SDK clients built at module
 * scope) invoked in process against dynalite and the AWS STS emulator, versus the floor:
 * what fail-closed issuance cannot do without, three round trips in sequence, INTENT
 * PutItem → AssumeRole → ISSUED PutItem, sent directly with equivalent clients to the same
 * servers. Their inputs are recorded from the handler itself (a capture middleware on its
 * clients during warm-up), only with fresh issuance ids; anything else the handler sends
 * (the rate-limit UpdateItem) counts as overhead. Batches interleave, alternating which
 * goes first. Targets: handler/floor ≤ 1.05 at p50 and ≤ 1.15 at p99.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { ulid } from 'ulid';
import { startInProcessBroker } from '../test/support/in-process-broker.js';
import { buildContext, buildEvent, iamAuthorizer } from '../test/support/lambda.js';
import { appendResult } from './support/results.js';
import { sinkOutput } from './support/sink.js';
import { distribution, type Figure, printTable } from './support/stats.js';

const REPETITIONS = 7;
const REQUESTS = 200;
const WARMUP = 100;
const CALLER_ARN = 'arn:aws:sts::111111111111:assumed-role/reporting-service/bench';

const broker = await startInProcessBroker({
  env: { POWERTOOLS_LOG_LEVEL: 'INFO', BROKER_RATE_LIMIT_PER_MINUTE: '100000', POWERTOOLS_DEV: 'false' },
});
const runtime = {
  ...(await import('../functions/shared/runtime.js')),
  ...(await import('../functions/shared/dynamodb.js')),
  ...(await import('../functions/shared/sts.js')),
};

interface Captured {
  service: 'sts' | 'dynamodb';
  command: string;
  input: Record<string, unknown>;
}
const captured: Captured[] = [];
type StsMiddleware = Parameters<typeof runtime.stsClient.middlewareStack.add>[0];
type DynamoMiddleware = Parameters<typeof runtime.dynamodbClient.middlewareStack.add>[0];
const record = (service: Captured['service'], command: string | undefined, input: object) =>
  captured.push({
    service,
    command: command ?? '?',
    input: structuredClone(input) as Record<string, unknown>,
  });
const captureSts: StsMiddleware = (next, context) => async (args) => {
  record('sts', context.commandName, args.input);
  return next(args);
};
const captureDynamo: DynamoMiddleware = (next, context) => async (args) => {
  record('dynamodb', context.commandName, args.input);
  return next(args);
};
runtime.stsClient.middlewareStack.add(captureSts, { step: 'deserialize', name: 'benchCapture' });
runtime.dynamodbClient.middlewareStack.add(captureDynamo, { step: 'deserialize', name: 'benchCapture' });

const event = buildEvent({
  body: { grant: 'reports-reader', durationSeconds: 900 },
  authorizer: iamAuthorizer(CALLER_ARN),
});
const context = (i: number): Context => ({ ...buildContext(), awsRequestId: `bench-${i}` });
let invocations = 0;
const handlerOnce = async () => {
  const response = await broker.handler(event, context(invocations++));
  if (response.statusCode !== 201)
    throw new Error(`handler answered ${response.statusCode}: ${response.body}`);
};

// One recorded issuance defines the floor; then the capture comes off the handler's clients.
const sink = sinkOutput();
try {
  await handlerOnce();
} finally {
  sink.restore();
}
runtime.stsClient.middlewareStack.remove('benchCapture');
runtime.dynamodbClient.middlewareStack.remove('benchCapture');
const plan = captured.map((c) => `${c.service}:${c.command}`);
console.log(`one issuance sends: ${plan.join(' → ')}`);
const FLOOR = ['dynamodb:PutItemCommand', 'sts:AssumeRoleCommand', 'dynamodb:PutItemCommand'];
const floorCalls = captured.filter((c) => FLOOR.includes(`${c.service}:${c.command}`));
if (floorCalls.map((c) => `${c.service}:${c.command}`).join() !== FLOOR.join()) {
  throw new Error(
    `expected the handler to send ${FLOOR.join(' → ')} among its calls, saw ${plan.join(' → ')}`,
  );
}

// Same settings as functions/shared/sts.ts and dynamodb.ts; endpoints and keys come from the same env.
const sts = new STSClient({ region: runtime.config.region, maxAttempts: runtime.config.sts.maxAttempts });
const dynamodb = new DynamoDBClient({
  region: runtime.config.region,
  maxAttempts: runtime.config.dynamodb.maxAttempts,
});
const floorOnce = async () => {
  const issuanceId = ulid();
  for (const call of floorCalls) {
    if (call.command === 'AssumeRoleCommand') {
      await sts.send(new AssumeRoleCommand(call.input as unknown as AssumeRoleCommandInput));
    } else {
      const input = call.input as unknown as ConstructorParameters<typeof PutItemCommand>[0];
      const item = { ...input.Item, issuanceId: { S: issuanceId } };
      await dynamodb.send(new PutItemCommand({ ...input, Item: item }));
    }
  }
};

async function timeEach(count: number, call: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  return samples;
}

const figures = {
  handlerP50: { name: 'handler p50', unit: 'ms', values: [] as number[] },
  floorP50: { name: 'floor p50', unit: 'ms', values: [] as number[] },
  ratioP50: { name: 'ratio p50', unit: '×', values: [] as number[], target: '≤ 1.05' },
  handlerP99: { name: 'handler p99', unit: 'ms', values: [] as number[] },
  floorP99: { name: 'floor p99', unit: 'ms', values: [] as number[] },
  ratioP99: { name: 'ratio p99', unit: '×', values: [] as number[], target: '≤ 1.15' },
} satisfies Record<string, Figure>;

const quiet = sinkOutput();
try {
  await timeEach(WARMUP, handlerOnce);
  await timeEach(WARMUP, floorOnce);
  for (let rep = 0; rep < REPETITIONS; rep++) {
    const handlerFirst = rep % 2 === 0;
    const first = await timeEach(REQUESTS, handlerFirst ? handlerOnce : floorOnce);
    const second = await timeEach(REQUESTS, handlerFirst ? floorOnce : handlerOnce);
    const handler = distribution(handlerFirst ? first : second);
    const floor = distribution(handlerFirst ? second : first);
    figures.handlerP50.values.push(handler.p50);
    figures.floorP50.values.push(floor.p50);
    figures.ratioP50.values.push(handler.p50 / floor.p50);
    figures.handlerP99.values.push(handler.p99);
    figures.floorP99.values.push(floor.p99);
    figures.ratioP99.values.push(handler.p99 / floor.p99);
  }
} finally {
  quiet.restore();
  sts.destroy();
  dynamodb.destroy();
  await broker.stop();
}

const all: Figure[] = Object.values(figures);
printTable(
  `Overhead vs floor: ${REPETITIONS} reps × ${REQUESTS} issuances each side, interleaved (handler: ${plan.length} calls, floor: ${FLOOR.length})`,
  all,
);
appendResult({
  command: 'npx tsx bench/overhead-vs-floor.ts',
  figures: all,
  notes: `handler sends ${plan.join(' + ')}; floor = ${FLOOR.join(' + ')}; ${REPETITIONS}×${REQUESTS} per side;`,
});
// Module-scope SDK clients of the handler keep sockets alive; the figures are out.
process.exit(0);

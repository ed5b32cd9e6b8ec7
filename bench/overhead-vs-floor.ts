/**
 * Overhead versus the physical floor: `npx tsx bench/overhead-vs-floor.ts`.
 *
 * The deployed issue-credentials handler (middy chain, real SDK clients built at module
 * scope) invoked in process against dynalite and the AWS STS emulator, versus the floor:
 * the very same SDK commands sent directly with equivalent clients to the same servers.
 * The floor's commands are recorded from the handler itself (a capture middleware on its
 * clients during warm-up), so it is AssumeRole + the audit PutItems (+ the rate-limit
 * UpdateItem) with identical inputs, only with fresh issuance ids. Batches interleave,
 * alternating which goes first. Target: handler/floor ≤ 1.10 at p50.
 */
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
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

// Same settings as functions/shared/sts.ts and dynamodb.ts; endpoints and keys come from the same env.
const sts = new STSClient({ region: runtime.config.region, maxAttempts: runtime.config.sts.maxAttempts });
const dynamodb = new DynamoDBClient({
  region: runtime.config.region,
  maxAttempts: runtime.config.dynamodb.maxAttempts,
});
const floorOnce = async () => {
  const issuanceId = ulid();
  for (const call of captured) {
    if (call.command === 'AssumeRoleCommand') {
      await sts.send(new AssumeRoleCommand(call.input as unknown as AssumeRoleCommandInput));
    } else if (call.command === 'PutItemCommand') {
      const input = call.input as unknown as ConstructorParameters<typeof PutItemCommand>[0];
      const item = { ...input.Item, issuanceId: { S: issuanceId } };
      await dynamodb.send(new PutItemCommand({ ...input, Item: item }));
    } else if (call.command === 'UpdateItemCommand') {
      await dynamodb.send(
        new UpdateItemCommand(call.input as unknown as ConstructorParameters<typeof UpdateItemCommand>[0]),
      );
    } else {
      throw new Error(`the floor does not replay ${call.service}:${call.command}`);
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
  ratioP50: { name: 'ratio p50', unit: '×', values: [] as number[], target: '≤ 1.10' },
  handlerP99: { name: 'handler p99', unit: 'ms', values: [] as number[] },
  floorP99: { name: 'floor p99', unit: 'ms', values: [] as number[] },
  ratioP99: { name: 'ratio p99', unit: '×', values: [] as number[] },
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
  `Overhead vs floor: ${REPETITIONS} reps × ${REQUESTS} issuances each side, interleaved (${plan.length} calls per issuance)`,
  all,
);
appendResult({
  command: 'npx tsx bench/overhead-vs-floor.ts',
  figures: all,
  notes: `floor = ${plan.join(' + ')}; ${REPETITIONS}×${REQUESTS} per side;`,
});
// Module-scope SDK clients of the handler keep sockets alive; the figures are out.
process.exit(0);

/**
 * Overhead versus the physical floor: `npx tsx bench/overhead-vs-floor.ts [--emulators=process|in-process]`.
 *
 * The deployed issue-credentials handler (middy chain, real SDK clients built at module
 * scope) invoked in this process against dynalite and the AWS STS emulator, versus the
 * floor: what fail-closed issuance cannot do without, three round trips in sequence, INTENT
 * PutItem → AssumeRole → ISSUED PutItem, sent directly with equivalent clients to the same
 * servers. Their inputs are recorded from the handler itself (a capture middleware on its
 * clients during its first two issuances), only with fresh issuance ids; anything else the
 * handler sends counts as overhead.
 *
 * Rate limits: the bench raises both budgets to 100,000 a minute, so the rate limiter takes
 * counter leases of 2,000 tokens (limit / 50): the first issuance of a window sends one
 * counter UpdateItem per budget beside its INTENT write, the next 1,999 none. The figure is
 * that of a busy caller. With the default limits (60 and 120 a minute) a lease is one token
 * and every issuance still sends its counter updates: the fourth side below measures that.
 * The handler's counter updates per 1000 issuances are counted during the timed run.
 *
 * A third side sends the calls of the handler's second issuance (served from its leases)
 * without the broker's code: handler / that side is what the broker's code costs, that
 * side / floor what its extra calls cost. A fourth sends the calls of its first issuance,
 * the counter updates beside the INTENT write as the handler sends them, each update on a
 * counter item of its own (a replayed lease would soon find the counter full): what an
 * issuance that updates its counters costs, at the default limits every one.
 *
 * The emulators run in a process of their own by default (DynamoDB and STS do not run on
 * a Lambda's core); `--emulators=in-process` runs them on the bench's thread, where every
 * concurrent call costs its whole emulator CPU in sequence. Each repetition rotates which
 * side goes first. Targets: handler/floor ≤ 1.05 at p50 and ≤ 1.15 at p99.
 *
 * Wall-clock ratios on a shared 2-core machine move by ±0.1 with the load of others, more
 * than the broker's code costs. So the bench also reports this process's CPU time per
 * issuance on the handler side and on its calls sent directly: their difference is the CPU
 * of the broker's own code around the same calls (the emulators' CPU, when in-process, is
 * the same on both sides), a figure the load of other processes moves far less.
 */
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { newRecordId } from '../lib/ids.js';
import { importIssueHandler } from '../test/support/in-process-broker.js';
import { buildContext, buildEvent, iamAuthorizer } from '../test/support/lambda.js';
import { emulatorPlacement, startEmulators } from './support/emulators.js';
import { appendResult } from './support/results.js';
import { sinkOutput } from './support/sink.js';
import { distribution, type Figure, printTable } from './support/stats.js';

const REPETITIONS = 7;
const REQUESTS = 200;
const WARMUP = 100;
const CALLER_ARN = 'arn:aws:sts::111111111111:assumed-role/reporting-service/bench';

const placement = emulatorPlacement(process.argv.slice(2));
const emulators = await startEmulators(placement);
const handler = await importIssueHandler({
  endpoints: emulators.endpoints,
  env: {
    POWERTOOLS_LOG_LEVEL: 'INFO',
    BROKER_RATE_LIMIT_PER_MINUTE: '100000',
    BROKER_CALLER_REQUESTS_PER_MINUTE: '100000',
    POWERTOOLS_DEV: 'false',
  },
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
/** Counter updates the handler sends, counted for the whole run (one increment per call). */
let counterUpdates = 0;
const countUpdates: DynamoMiddleware = (next, context) => async (args) => {
  if (context.commandName === 'UpdateItemCommand') counterUpdates += 1;
  return next(args);
};
runtime.dynamodbClient.middlewareStack.add(countUpdates, { step: 'deserialize', name: 'benchCountUpdates' });

const event = buildEvent({
  body: { grant: 'reports-reader', durationSeconds: 900 },
  authorizer: iamAuthorizer(CALLER_ARN),
});
const context = (i: number): Context => ({ ...buildContext(), awsRequestId: `bench-${i}` });
let invocations = 0;
const handlerOnce = async () => {
  const response = await handler(event, context(invocations++));
  if (response.statusCode !== 201)
    throw new Error(`handler answered ${response.statusCode}: ${response.body}`);
};

// Two recorded issuances: the first takes the counter leases, the second is served from
// them and defines the floor; then the capture comes off the handler's clients.
async function captureOne(): Promise<Captured[]> {
  captured.length = 0;
  const sink = sinkOutput();
  try {
    await handlerOnce();
  } finally {
    sink.restore();
  }
  return captured.splice(0);
}
const leasing = await captureOne();
const steady = await captureOne();
runtime.stsClient.middlewareStack.remove('benchCapture');
runtime.dynamodbClient.middlewareStack.remove('benchCapture');
const planOf = (calls: Captured[]) => calls.map((c) => `${c.service}:${c.command}`);
const plan = planOf(steady);
const leasingPlan = planOf(leasing);
console.log(`the first issuance of a window sends: ${leasingPlan.join(' → ')}`);
console.log(`the next ones send: ${plan.join(' → ')}`);
const FLOOR = ['dynamodb:PutItemCommand', 'sts:AssumeRoleCommand', 'dynamodb:PutItemCommand'];
const floorCalls = steady.filter((c) => FLOOR.includes(`${c.service}:${c.command}`));
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
/**
 * Sends one recorded call directly; PutItems get a fresh issuance id (the writes are
 * conditional), UpdateItems a counter item of their own for the same reason.
 */
async function sendDirect(call: Captured, issuanceId: string): Promise<void> {
  if (call.command === 'AssumeRoleCommand') {
    await sts.send(new AssumeRoleCommand(call.input as unknown as AssumeRoleCommandInput));
  } else if (call.command === 'PutItemCommand') {
    const input = call.input as unknown as ConstructorParameters<typeof PutItemCommand>[0];
    const item = { ...input.Item, issuanceId: { S: issuanceId } };
    await dynamodb.send(new PutItemCommand({ ...input, Item: item }));
  } else if (call.command === 'UpdateItemCommand') {
    const input = call.input as unknown as ConstructorParameters<typeof UpdateItemCommand>[0];
    const key = { windowKey: { S: `${input.Key?.windowKey?.S}#${issuanceId}` } };
    await dynamodb.send(new UpdateItemCommand({ ...input, Key: key }));
  } else {
    throw new Error(`the bench cannot replay ${call.service}:${call.command}`);
  }
}

const floorOnce = async () => {
  const issuanceId = newRecordId();
  for (const call of floorCalls) await sendDirect(call, issuanceId);
};

// A wire plan of the handler without the broker's code: every call it sent, the ones before
// AssumeRole side by side (as the handler sends its counter updates beside the INTENT write).
const sendPlan = (calls: Captured[]) => {
  const stsAt = calls.findIndex((c) => c.command === 'AssumeRoleCommand');
  const beforeSts = calls.slice(0, stsAt);
  const fromSts = calls.slice(stsAt);
  return async () => {
    const issuanceId = newRecordId();
    await Promise.all(beforeSts.map((call) => sendDirect(call, issuanceId)));
    for (const call of fromSts) await sendDirect(call, issuanceId);
  };
};
const wireOnce = sendPlan(steady);
const withUpdatesOnce = sendPlan(leasing);

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
  wireP50: { name: 'handler calls sent directly p50', unit: 'ms', values: [] as number[] },
  codeP50: { name: 'handler / its calls sent directly p50', unit: '×', values: [] as number[] },
  callsP50: { name: 'its calls sent directly / floor p50', unit: '×', values: [] as number[] },
  withUpdatesP50: {
    name: 'an issuance that updates its counters / floor p50',
    unit: '×',
    values: [] as number[],
  },
  updatesPer1000: { name: 'handler counter updates per 1000 issuances', unit: '', values: [] as number[] },
  handlerCpu: { name: 'handler CPU per issuance', unit: 'µs', values: [] as number[] },
  wireCpu: { name: 'its calls sent directly CPU per issuance', unit: 'µs', values: [] as number[] },
  codeCpu: { name: 'broker code CPU per issuance (the difference)', unit: 'µs', values: [] as number[] },
} satisfies Record<string, Figure>;

// Each repetition runs the sides in a rotated order, so none always goes first.
const sides = { handler: handlerOnce, floor: floorOnce, wire: wireOnce, withUpdates: withUpdatesOnce };
type Side = keyof typeof sides;
const order: Side[] = ['handler', 'floor', 'wire', 'withUpdates'];

const quiet = sinkOutput();
try {
  for (const side of order) await timeEach(WARMUP, sides[side]);
  for (let rep = 0; rep < REPETITIONS; rep++) {
    const samples = {} as Record<Side, number[]>;
    const cpuMicros = {} as Record<Side, number>;
    for (let i = 0; i < order.length; i++) {
      const side = order[(rep + i) % order.length] as Side;
      const updatesBefore = counterUpdates;
      const cpuBefore = process.cpuUsage();
      samples[side] = await timeEach(REQUESTS, sides[side]);
      const cpu = process.cpuUsage(cpuBefore);
      cpuMicros[side] = (cpu.user + cpu.system) / REQUESTS;
      if (side === 'handler')
        figures.updatesPer1000.values.push(((counterUpdates - updatesBefore) * 1000) / REQUESTS);
    }
    const handler = distribution(samples.handler);
    const floor = distribution(samples.floor);
    const wire = distribution(samples.wire);
    figures.handlerP50.values.push(handler.p50);
    figures.floorP50.values.push(floor.p50);
    figures.ratioP50.values.push(handler.p50 / floor.p50);
    figures.handlerP99.values.push(handler.p99);
    figures.floorP99.values.push(floor.p99);
    figures.ratioP99.values.push(handler.p99 / floor.p99);
    figures.wireP50.values.push(wire.p50);
    figures.codeP50.values.push(handler.p50 / wire.p50);
    figures.callsP50.values.push(wire.p50 / floor.p50);
    figures.withUpdatesP50.values.push(distribution(samples.withUpdates).p50 / floor.p50);
    figures.handlerCpu.values.push(cpuMicros.handler);
    figures.wireCpu.values.push(cpuMicros.wire);
    figures.codeCpu.values.push(cpuMicros.handler - cpuMicros.wire);
  }
} finally {
  quiet.restore();
  sts.destroy();
  dynamodb.destroy();
  await emulators.stop();
}

const all: Figure[] = Object.values(figures);
printTable(
  `Overhead vs floor: ${REPETITIONS} reps × ${REQUESTS} issuances each side, interleaved (handler: ${plan.length} calls, ${leasingPlan.length} when it takes its leases; floor: ${FLOOR.length})`,
  all,
);
appendResult({
  command: `npx tsx bench/overhead-vs-floor.ts --emulators=${placement}`,
  figures: all,
  notes: `emulators ${placement === 'process' ? 'in a process of their own' : 'in the bench process'}; handler sends ${plan.join(' + ')} (the first issuance of a window, taking counter leases of 2000: ${leasingPlan.join(' + ')}); floor = ${FLOOR.join(' + ')}; ${REPETITIONS}×${REQUESTS} per side;`,
});
// Module-scope SDK clients of the handler keep sockets alive; the figures are out.
process.exit(0);

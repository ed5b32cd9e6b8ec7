/**
 * `npm start` (local/start.ts) in a folder whose `.local/dynamodb` another stack holds: it
 * says so and what to do, exits 1, leaves nothing running and, with --fresh, wipes nothing.
 * The holder here is the part of a running stack that owns the folder, its dynalite.
 * And Ctrl-C while it starts leaves nothing running either.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  auditTableInput,
  ensureTable,
  type LocalDynamo,
  localDynamoClient,
  startDynalite,
} from '../../local/dynamodb.js';
import { copyService, spawnLocalStart } from '../template/template-support.js';
import { devIdentity } from './stack-fixture.js';

/** Bounds a start that does not fail as it should: it would bundle and serve for good. */
const EXIT_TIMEOUT_MS = 60_000;
const IN_USE_MESSAGE =
  'Another local stack is using .local/dynamodb (is `npm start` already running in this folder?). Stop it first (Ctrl-C where it runs), or start this one from another folder.';
const heldItem = { issuanceId: { S: '01HELD' }, record: { S: 'INTENT' } };

/** Runs `npm start` in `dir` on free ports; resolves how it ended, stopping it after the timeout. */
function runStart(dir: string, args: string[]) {
  const child = spawnLocalStart(dir, args);
  const group = child.pid;
  if (group === undefined) throw new Error('npm start did not spawn');
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string; group: number }>((resolve) => {
    // SIGTERM first: a start that got that far stops its serverless-offline (its own group).
    const signal = (name: NodeJS.Signals) => () => process.kill(-group, name);
    const timers = [
      setTimeout(signal('SIGTERM'), EXIT_TIMEOUT_MS),
      setTimeout(signal('SIGKILL'), EXIT_TIMEOUT_MS + 10_000),
    ];
    child.once('exit', (code) => {
      for (const timer of timers) clearTimeout(timer);
      resolve({ code, stdout, stderr, group });
    });
  });
}

/** Whether a process of the group `group` runs now. */
function groupRuns(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a process of the group `group` still runs after a grace period (tsx's esbuild
 * service, a child of the failed start, exits a moment after its parent).
 */
async function groupStillRuns(group: number): Promise<boolean> {
  for (let waited = 0; waited < 5000; waited += 100) {
    if (!groupRuns(group)) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

// One after the other: without the guard, one start's --fresh would wipe the folder under the other.
describe('npm start in a folder another stack uses', () => {
  let dir: string;
  let holder: LocalDynamo;
  const read = () =>
    localDynamoClient(holder.url, devIdentity('credential-broker-local')).send(
      new GetItemCommand({ TableName: 'held', Key: heldItem }),
    );

  before(async () => {
    dir = copyService();
    holder = await startDynalite({ port: 0, dataDir: join(dir, '.local', 'dynamodb') });
    const client = localDynamoClient(holder.url, devIdentity('credential-broker-local'));
    await ensureTable(client, auditTableInput('held'));
    await client.send(new PutItemCommand({ TableName: 'held', Item: heldItem }));
  });
  after(async () => {
    await holder?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const args of [[], ['--fresh']]) {
    it(`npm start ${args.map((arg) => `-- ${arg} `).join('')}says which folder is in use and what to do, exits 1, leaves nothing running`, async () => {
      // Act
      const run = await runStart(dir, args);
      // Assess
      assert.equal(run.code, 1, `${run.stdout}${run.stderr}`);
      assert.equal(run.stderr.trim(), IN_USE_MESSAGE);
      assert.doesNotMatch(`${run.stdout}${run.stderr}`, /^\s+at /m, 'no stack trace');
      assert.equal(await groupStillRuns(run.group), false, 'a process of the failed start still runs');
      // The holder's data is untouched and it keeps serving.
      assert.ok(existsSync(join(dir, '.local', 'dynamodb', 'CURRENT')));
      assert.equal((await read()).Item?.issuanceId?.S, '01HELD');
    });
  }
});

/** The processes whose parent is `parent` and whose command line contains `command` (Linux /proc). */
function childrenOf(parent: number, command: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // "pid (comm) state ppid …": comm may hold spaces, so read after its closing parenthesis.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === parent && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(command);
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

describe('Ctrl-C while npm start starts', () => {
  let dir: string;
  let offline: number | undefined;
  before(() => {
    dir = copyService();
  });
  after(() => {
    // Only if the stop failed: serverless-offline's own group outlived the start.
    if (offline !== undefined && groupRuns(offline)) process.kill(-offline, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops serverless-offline, which runs in a process group of its own, and exits 0', async () => {
    // Prepare: the start is bundling the functions in serverless-offline.
    const start = spawnLocalStart(dir, [], { BROKER_VERBOSE: '1' });
    const group = start.pid;
    assert.ok(group !== undefined);
    let output = '';
    start.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => start.once('exit', resolve));
    for (let waited = 0; offline === undefined; waited += 100) {
      assert.ok(waited < EXIT_TIMEOUT_MS, `serverless-offline never started:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      offline = childrenOf(group, 'serverless.js').at(0);
    }
    assert.doesNotMatch(output, /Local credential broker is up/);
    // Act: Ctrl-C in a terminal signals the foreground process group: the start's, not serverless-offline's.
    process.kill(-group, 'SIGINT');
    const code = await exited;
    // Assess
    assert.equal(code, 0, output);
    assert.match(output, /Stopping…/);
    assert.equal(groupRuns(offline), false, 'serverless-offline still runs after npm start stopped');
  });
});

/**
 * `npm start` (local/start.ts) in a folder whose `.local/dynamodb` another stack holds: it
 * says so and what to do, exits 1, leaves nothing running and, with --fresh, wipes nothing.
 * The holder here is the part of a running stack that owns the folder, its dynalite.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
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

/**
 * Whether a process of the group `group` still runs after a grace period (tsx's esbuild
 * service, a child of the failed start, exits a moment after its parent).
 */
async function groupStillRuns(group: number): Promise<boolean> {
  for (let waited = 0; waited < 5000; waited += 100) {
    try {
      process.kill(-group, 0);
    } catch {
      return false;
    }
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

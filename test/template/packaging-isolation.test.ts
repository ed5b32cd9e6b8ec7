/**
 * Deployed stages never run local code: `npm run package` while `npm start` runs, in the
 * same service folder, with both on their default folders. Packaging must neither pick up
 * the local stack's build (local/ handlers, the local grants file) nor break the running
 * stack (serverless-esbuild deletes its work folder when done).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signedFetch } from '../../lib/client/signed-fetch.js';
import { devIdentity } from '../integration/stack-fixture.js';
import { copyService, GRANTS_FILE, spawnLocalStart } from './template-support.js';

const START_TIMEOUT_MS = 120_000;
let dir: string;
let stack: ChildProcess;
let apiUrl: string;
let stackOutput = '';

const issue = () =>
  signedFetch(
    `${apiUrl}/v1/credentials`,
    { method: 'POST', body: JSON.stringify({ grant: 'reports-reader' }) },
    devIdentity('reporting-service'),
  );

/** The API endpoint `npm start` printed: its ports are the ones it bound, so nothing else can take them. */
const printedApiUrl = (output: string) => /^ {2}API +(http:\/\/127\.0\.0\.1:\d+)\/v1\//m.exec(output)?.[1];

before(async () => {
  dir = copyService();
  // `npm start` as a developer runs it: default folders, every port 0 (any free one).
  stack = spawnLocalStart(dir, ['--fresh']);
  apiUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start timed out:\n${stackOutput}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      stackOutput += chunk.toString('utf8');
      // The banner may arrive in more than one chunk: wait for the URL in it.
      const url = stackOutput.includes('Local credential broker is up') && printedApiUrl(stackOutput);
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    stack.stdout?.on('data', onData);
    stack.stderr?.on('data', onData);
    stack.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${stackOutput}`));
    });
  });
});

after(async () => {
  if (stack?.pid !== undefined && stack.exitCode === null) {
    const exited = new Promise((resolve) => stack.once('exit', resolve));
    process.kill(-stack.pid, 'SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run package while npm start runs', () => {
  it('ships no local file in any zip, and the running stack keeps answering', async () => {
    // Prepare: the stack answers before packaging.
    assert.equal((await issue()).status, 201, stackOutput);
    // Act
    execFileSync('npm', ['run', 'package', '--', `--param=grantsFile=${GRANTS_FILE}`], {
      cwd: dir,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      stdio: 'pipe',
    });
    const response = await issue();
    // Assess
    const out = join(dir, '.serverless');
    const zips = readdirSync(out).filter((file) => file.endsWith('.zip'));
    assert.ok(zips.length >= 6, `zips: ${zips}`);
    const localGrants = readFileSync(join(dir, 'local/grants.yaml'));
    for (const zip of zips) {
      const entries = execFileSync('unzip', ['-Z1', join(out, zip)], { encoding: 'utf8' })
        .trim()
        .split('\n');
      assert.deepEqual(
        entries.filter((entry) => entry.startsWith('local/') || entry.includes('dev-identities')),
        [],
        `${zip} ships local files`,
      );
      for (const entry of entries.filter((e) => e.endsWith('.yaml'))) {
        const content = execFileSync('unzip', ['-p', join(out, zip), entry]);
        assert.ok(!content.equals(localGrants), `${zip} ships the local grants file as ${entry}`);
      }
    }
    assert.equal(response.status, 201, `after packaging: ${await response.text()}`);
  });
});

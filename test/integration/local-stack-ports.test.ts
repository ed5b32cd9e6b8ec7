/**
 * The local stack's ports: servers it runs in-process bind their own port (0 → any free
 * one), so nothing can take it between choosing and binding; serverless-offline's ports
 * (HTTP, and Lambda when 0) must be chosen before it starts, and a start that lost one to
 * another process is retried on new ones. A port the user fixed is never moved: its taker
 * is named with the variable that moves it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OFFLINE_START_ATTEMPTS, type OfflineServer } from '../../local/offline.js';
import { claimPort, listenOnLoopback, PortInUseError } from '../../local/ports.js';
import { type LocalStackOptions, startLocalStack } from '../../local/stack.js';
import { startStackFixture } from './stack-fixture.js';

/** Another process's HTTP server on a loopback port: it answers anything, and counts. */
async function startThief(): Promise<{ port: number; requests: () => number; stop(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((_request, response) => {
    requests++;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"status":"ok","thief":true}');
  });
  const port = await listenOnLoopback(server, 0);
  return {
    port,
    requests: () => requests,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// Each start bundles every function: the two slow starts run side by side.
/** The error a start failed with; a start that succeeded instead is stopped, then fails the test. */
async function failureOf(start: Promise<{ stop(): Promise<void> }>): Promise<Error> {
  const outcome = await start.then(
    async (started) => {
      await started.stop();
      return undefined;
    },
    (error: unknown) => error,
  );
  assert.ok(outcome instanceof Error, `the start should have failed, it answered ${String(outcome)}`);
  return outcome;
}

describe('local stack ports', { concurrency: true }, () => {
  let thief: Awaited<ReturnType<typeof startThief>>;
  before(async () => {
    thief = await startThief();
  });
  after(() => thief.stop());

  it('starts serverless-offline again on new ports when a port chosen for it was taken (HTTP, then Lambda)', async () => {
    // Prepare: the first HTTP port, then the second Lambda port chosen are already taken
    // (the race, made certain); the third start gets free ones.
    const chosen: Record<OfflineServer, number[]> = { http: [], lambda: [] };
    const chooseOfflinePort = async (server: OfflineServer) => {
      const start = chosen[server].length + 1;
      const taken = (server === 'http' && start === 1) || (server === 'lambda' && start === 2);
      const port = taken ? thief.port : await claimPort(0, 'test');
      chosen[server].push(port);
      return port;
    };
    // Act
    const fixture = await startStackFixture({ chooseOfflinePort });
    try {
      const response = await fixture.call('reporting-service', 'GET', '/v1/health');
      const invoked = await fetch(
        `${fixture.stack.lambdaUrl}/2015-03-31/functions/credential-broker-local-verifyGrants/invocations`,
        { method: 'POST', body: '{}' },
      );
      // Assess: three starts, and the API and Lambda endpoints answering are the broker's, not the taker.
      assert.equal(chosen.http.length, 3);
      assert.equal(chosen.lambda.length, 3);
      assert.equal(response.status, 200);
      const body = (await response.json()) as { table?: { name?: string } };
      assert.equal(body.table?.name, fixture.stack.tableName);
      assert.equal(fixture.stack.lambdaUrl, `http://127.0.0.1:${chosen.lambda[2]}`);
      assert.equal(invoked.status, 200);
      const verified = (await invoked.json()) as { checked?: unknown };
      assert.equal(typeof verified.checked, 'number');
      assert.equal(thief.requests(), 0);
      const lost = fixture
        .apiOutput()
        .match(new RegExp(`EADDRINUSE: address already in use 127\\.0\\.0\\.1:${thief.port}`, 'g'));
      assert.equal(lost?.length, 2, fixture.apiOutput());
    } finally {
      await fixture.stop();
    }
  });

  it(`gives up after ${OFFLINE_START_ATTEMPTS} starts that each lost their port`, async () => {
    // Prepare: every port chosen for serverless-offline is taken.
    let choices = 0;
    const chooseOfflinePort = async (server: OfflineServer) => {
      if (server === 'lambda') return claimPort(0, 'test');
      choices++;
      return thief.port;
    };
    // Act
    const error = await failureOf(startStackFixture({ chooseOfflinePort }));
    // Assess
    assert.match(
      error.message,
      new RegExp(`lost its HTTP port to another process ${OFFLINE_START_ATTEMPTS} times`),
    );
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${thief.port}`));
    assert.equal(choices, OFFLINE_START_ATTEMPTS);
    assert.equal(thief.requests(), 0);
  });

  it('fails at once, with what serverless-offline said, when its start failed for another reason', async () => {
    // Prepare: serverless-offline's process cannot even load.
    let choices = 0;
    const chooseOfflinePort = async (server: OfflineServer) => {
      if (server === 'http') choices++;
      return claimPort(0, 'test');
    };
    // Act
    const error = await failureOf(
      startStackFixture({ chooseOfflinePort, apiEnv: { NODE_OPTIONS: '--require ./no-such-preload.cjs' } }),
    );
    // Assess
    assert.match(error.message, /serverless-offline failed to start: it exited \(code 1\) during start-up/);
    assert.match(error.message, /no-such-preload\.cjs/);
    assert.equal(choices, 1);
  });

  describe('a port the user fixed that is already taken', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'broker-ports-'));
    after(() => rmSync(dataDir, { recursive: true, force: true }));
    const free: LocalStackOptions['ports'] = {
      api: 0,
      lambda: 0,
      dynamodb: 0,
      awsSts: 0,
      volcengineSts: 0,
      ssm: 0,
    };
    const cases: [keyof LocalStackOptions['ports'], string][] = [
      ['api', 'BROKER_PORT'],
      ['lambda', 'BROKER_LAMBDA_PORT'],
      ['dynamodb', 'BROKER_DYNAMODB_PORT'],
      ['awsSts', 'BROKER_STS_PORT'],
      ['volcengineSts', 'BROKER_VOLCENGINE_STS_PORT'],
      ['ssm', 'BROKER_SSM_PORT'],
    ];
    for (const [piece, envVar] of cases) {
      it(`fails the start at once, naming ${envVar} and the port`, async () => {
        // Prepare
        let offlinePortsChosen = 0;
        // Act
        const error = await failureOf(
          startLocalStack({
            ports: { ...free, [piece]: thief.port },
            dataDir,
            persistDynamo: false,
            grantsFile: 'local/grants.yaml',
            identitiesFile: 'local/dev-identities.json',
            chooseOfflinePort: async () => {
              offlinePortsChosen++;
              return claimPort(0, 'test');
            },
          }),
        );
        // Assess
        assert.ok(error instanceof PortInUseError, String(error));
        assert.equal(
          error.message,
          `Port ${thief.port} on 127.0.0.1 is already in use. Stop what holds it, or pick another port with ${envVar}=<port>.`,
        );
        assert.equal(offlinePortsChosen, 0, 'serverless-offline was not started');
      });
    }
  });
});

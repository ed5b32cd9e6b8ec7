import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { startApiGate } from '../../../local/api-gate.js';
import { claimPort, listenOnLoopback } from '../../../local/ports.js';

type Upstream = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/** A stand-in for serverless-offline: counts calls in flight and answers as `behaviour` says. */
async function startUpstream(behaviour: Upstream) {
  const seen = { inFlight: 0, maxInFlight: 0, calls: 0 };
  const server = createServer((request, response) => {
    seen.calls++;
    seen.inFlight++;
    seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
    response.on('finish', () => seen.inFlight--);
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => behaviour(request, body, response));
  });
  const port = await listenOnLoopback(server, 0);
  return {
    port,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// serverless-offline's answer for HTTP API when the invocation failed (HttpServer.js).
const offlineFailure = (errorType: string, errorMessage: string) =>
  JSON.stringify({ errorMessage, errorType, stackTrace: [`Error: ${errorMessage}`, 'at x (y.js:1:1)'] });

const answerAfter = (ms: number, status: number, body: string, type = 'application/json'): Upstream => {
  return (_request, _body, response) => {
    setTimeout(() => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    }, ms);
  };
};

async function withGate(behaviour: Upstream, maxInFlight: number, act: (url: string) => Promise<void>) {
  const upstream = await startUpstream(behaviour);
  const failures: string[] = [];
  const gate = await startApiGate({ port: 0, maxInFlight, onLambdaFailure: (line) => failures.push(line) });
  gate.connect(upstream.port);
  try {
    await act(`http://127.0.0.1:${gate.port}`);
  } finally {
    await gate.stop();
    await upstream.stop();
  }
  return { seen: upstream.seen, failures };
}

describe('local API gate', () => {
  it('answers a Lambda timeout rendered as 200 with problem+json 504', async () => {
    let status = 0;
    let body: Record<string, unknown> = {};
    let type = '';
    // Act
    const { failures } = await withGate(
      answerAfter(0, 200, offlineFailure('LambdaTimeoutError', '[504] - Lambda timeout.')),
      2,
      async (url) => {
        const response = await fetch(`${url}/v1/credentials`, { method: 'POST', body: '{}' });
        status = response.status;
        type = response.headers.get('content-type') ?? '';
        body = (await response.json()) as Record<string, unknown>;
      },
    );
    // Assess
    assert.equal(status, 504);
    assert.equal(type, 'application/problem+json');
    assert.equal(body.code, 'local_lambda_timeout');
    assert.equal(body.status, 504);
    assert.equal(typeof body.requestId, 'string');
    assert.equal(JSON.stringify(body).includes('stackTrace'), false);
    assert.match(failures[0] ?? '', /POST \/v1\/credentials → 504: LambdaTimeoutError/);
  });

  it('sees a Lambda error through the compression serverless-offline applies', async () => {
    // Prepare
    const failure = gzipSync(offlineFailure('Error', 'Invalid broker configuration'));
    const gzipped: Upstream = (_request, _body, response) => {
      response.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-encoding': 'gzip',
      });
      response.end(failure);
    };
    let status = 0;
    // Act
    await withGate(gzipped, 1, async (url) => {
      status = (await fetch(`${url}/v1/health`, { headers: { 'accept-encoding': 'gzip' } })).status;
    });
    // Assess
    assert.equal(status, 502);
  });

  it('answers a handler error or a failed cold start rendered as 200 with problem+json 502', async () => {
    const statuses: number[] = [];
    const codes: unknown[] = [];
    for (const failure of [
      offlineFailure('Error', 'Invalid broker configuration: BROKER_STAGE: invalid'),
      offlineFailure('TypeError', "Cannot read properties of undefined (reading 'x')"),
    ]) {
      // Act
      await withGate(answerAfter(0, 200, failure), 2, async (url) => {
        const response = await fetch(`${url}/v1/health`);
        statuses.push(response.status);
        codes.push(((await response.json()) as { code?: unknown }).code);
      });
    }
    // Assess
    assert.deepEqual(statuses, [502, 502]);
    assert.deepEqual(codes, ['local_lambda_error', 'local_lambda_error']);
  });

  it('passes every other answer through unchanged, body, status and headers', async () => {
    const answers = [
      {
        status: 201,
        body: '{"issuanceId":"01","credentials":{"accessKeyId":"ASIA"}}',
        type: 'application/json',
      },
      {
        status: 429,
        body: '{"code":"rate_limited","errorMessage":"x","errorType":"y"}',
        type: 'application/problem+json',
      },
      { status: 200, body: '{"errorMessage":"x","errorType":"y","other":1}', type: 'application/json' },
      { status: 200, body: 'not json', type: 'application/json' },
    ];
    for (const answer of answers) {
      // Act
      await withGate(answerAfter(0, answer.status, answer.body, answer.type), 2, async (url) => {
        const response = await fetch(`${url}/v1/grants`);
        // Assess
        assert.equal(response.status, answer.status);
        assert.equal(response.headers.get('content-type'), answer.type);
        assert.equal(await response.text(), answer.body);
      });
    }
  });

  it('forwards method, path, headers and body bytes unchanged (SigV4 covers them)', async () => {
    const received: { method?: string; url?: string; host?: string; auth?: string; body?: string } = {};
    const echo: Upstream = (request, body, response) => {
      Object.assign(received, {
        method: request.method,
        url: request.url,
        host: request.headers.host,
        auth: request.headers.authorization,
        body,
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    };
    let gateHost = '';
    // Act
    await withGate(echo, 1, async (url) => {
      gateHost = new URL(url).host;
      await fetch(`${url}/v1/issuances?caller=a%2Fb&limit=5`, {
        method: 'POST',
        headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x', 'content-type': 'application/json' },
        body: '{"grant":"r\u00e9ports"}',
      });
    });
    // Assess
    assert.deepEqual(received, {
      method: 'POST',
      url: '/v1/issuances?caller=a%2Fb&limit=5',
      host: gateHost,
      auth: 'AWS4-HMAC-SHA256 Credential=x',
      body: '{"grant":"r\u00e9ports"}',
    });
  });

  it('lets at most maxInFlight requests in at once and answers every queued one', async () => {
    const statuses: number[] = [];
    // Act: 12 at once against a slow upstream, 3 allowed in.
    const { seen } = await withGate(answerAfter(30, 201, '{}'), 3, async (url) => {
      const responses = await Promise.all(
        Array.from({ length: 12 }, () => fetch(`${url}/v1/credentials`, { method: 'POST', body: '{}' })),
      );
      for (const response of responses) statuses.push(response.status);
    });
    // Assess: counted, not timed.
    assert.deepEqual(statuses, Array(12).fill(201));
    assert.equal(seen.calls, 12);
    assert.equal(seen.maxInFlight, 3);
  });

  it('holds a request that arrives before serverless-offline is up, and forwards it once connected', async () => {
    // Prepare: the gate is bound, serverless-offline not started yet.
    const upstream = await startUpstream(answerAfter(0, 201, '{"issued":true}'));
    const gate = await startApiGate({ port: 0, maxInFlight: 1 });
    try {
      // Act
      const pending = fetch(`http://127.0.0.1:${gate.port}/v1/credentials`, { method: 'POST', body: '{}' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const callsBeforeConnect = upstream.seen.calls;
      gate.connect(upstream.port);
      const response = await pending;
      // Assess
      assert.equal(callsBeforeConnect, 0);
      assert.equal(response.status, 201);
      assert.deepEqual(await response.json(), { issued: true });
      assert.equal(upstream.seen.calls, 1);
    } finally {
      await gate.stop();
      await upstream.stop();
    }
  });

  it('answers 502 problem+json when serverless-offline is not there', async () => {
    const deadPort = await claimPort(0, 'test');
    const gate = await startApiGate({ port: 0, maxInFlight: 1 });
    gate.connect(deadPort);
    try {
      // Act
      const response = await fetch(`http://127.0.0.1:${gate.port}/v1/health`);
      // Assess
      assert.equal(response.status, 502);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
    } finally {
      await gate.stop();
    }
  });
});

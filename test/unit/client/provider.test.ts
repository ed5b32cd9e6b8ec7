import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsupportedFormatError } from '../../../lib/client/formats.js';
import { BrokerClientError } from '../../../lib/client/problem.js';
import { fromCredentialBroker } from '../../../lib/client/provider.js';
import type { RequestSigner } from '../../../lib/client/signer.js';

const ENDPOINT = 'https://api.example.test';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzCLIENTzzSECRET';
const TOKEN = 'FwoGZXIvYXdzEzzCLIENTzzSESSIONzzTOKEN';

/** A signer that needs no AWS credentials: the fake fetch does not verify signatures. */
const testSigner: RequestSigner = async () => ({ authorization: 'test' });

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function issued(expiration: Date, n: number) {
  return {
    status: 201,
    body: {
      issuanceId: `01ISSUANCE${n}`,
      grant: 'reports-reader',
      provider: 'aws',
      roleArn: 'arn:aws:iam::222222222222:role/reports-read',
      assumedRoleArn: `arn:aws:sts::222222222222:assumed-role/reports-read/reporting-service.${n}`,
      sourceIdentity: 'reporting-service',
      durationSeconds: 900,
      credentials: {
        accessKeyId: `ASIAFAKE${String(n).padStart(12, '0')}`,
        secretAccessKey: SECRET,
        sessionToken: TOKEN,
        expiration: expiration.toISOString(),
      },
    },
  };
}

const problem = (status: number, code: string, headers: Record<string, string> = {}): Answer => ({
  status,
  body: {
    type: `x/${code}`,
    title: 'Problem',
    status,
    detail: `detail of ${code}`,
    code,
    requestId: 'req-1',
  },
  headers: { 'content-type': 'application/problem+json', ...headers },
});

/** A scripted fetch: answers in order (the last repeats), records each request body. */
function fakeFetch(answers: (Answer | (() => Answer))[], options: { delayMs?: number } = {}) {
  const requests: { url: string; body: unknown }[] = [];
  let index = 0;
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(url), body: JSON.parse(String(init?.body ?? 'null')) });
    const next = answers[Math.min(index++, answers.length - 1)];
    if (next === undefined) throw new Error('no scripted answer');
    const answer = typeof next === 'function' ? next() : next;
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: answer.headers,
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

function clock(startIso = '2025-01-01T00:00:00.000Z') {
  let now = Date.parse(startIso);
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

const inMinutes = (time: { now: () => Date }, minutes: number) =>
  new Date(time.now().getTime() + minutes * 60_000);

describe('fromCredentialBroker', () => {
  it('asks the broker once and serves the cached session until the refresh window', async () => {
    // Prepare
    const time = clock();
    const fake = fakeFetch([issued(inMinutes(time, 15), 1), issued(inMinutes(time, 30), 2)]);
    const provider = fromCredentialBroker({
      endpoint: ENDPOINT,
      grant: 'reports-reader',
      signer: testSigner,
      fetch: fake.fetch,
      now: time.now,
    });
    // Act
    const first = await provider();
    time.advance(9 * 60_000);
    const second = await provider();
    // Assess
    assert.equal(fake.requests.length, 1);
    assert.deepEqual(second, first);
    assert.equal(first.secretAccessKey, SECRET);
    assert.equal(first.expiration.toISOString(), '2025-01-01T00:15:00.000Z');
    assert.deepEqual(fake.requests[0], {
      url: `${ENDPOINT}/v1/credentials`,
      body: { grant: 'reports-reader' },
    });
  });

  it('refuses Volcengine credentials and never asks the broker again', async () => {
    // Prepare: a grant of the other provider, named by mistake in an AWS SDK client.
    const time = clock();
    const volcengine = issued(inMinutes(time, 15), 1);
    volcengine.body.provider = 'volcengine';
    volcengine.body.grant = 'tos-reader';
    const fake = fakeFetch([volcengine]);
    const provider = fromCredentialBroker({
      endpoint: ENDPOINT,
      grant: 'tos-reader',
      signer: testSigner,
      fetch: fake.fetch,
      now: time.now,
    });
    // Act
    const first = await provider().then(
      () => undefined,
      (error: unknown) => error,
    );
    const second = await provider().then(
      () => undefined,
      (error: unknown) => error,
    );
    // Assess
    for (const error of [first, second]) {
      assert.ok(error instanceof UnsupportedFormatError, String(error));
      assert.match(error.message, /tos-reader issues volcengine credentials/);
      assert.doesNotMatch(error.message, new RegExp(SECRET.slice(0, 12)));
    }
    assert.equal(fake.requests.length, 1, 'a refused grant is asked for once, not on every SDK call');
  });

  it('refreshes once inside the default 5 minute window before expiry', async () => {
    // Prepare
    const time = clock();
    const fake = fakeFetch([issued(inMinutes(time, 15), 1), issued(inMinutes(time, 30), 2)]);
    const provider = fromCredentialBroker({
      endpoint: ENDPOINT,
      roleArn: 'arn:aws:iam::222222222222:role/reports-read',
      durationSeconds: 900,
      signer: testSigner,
      fetch: fake.fetch,
      now: time.now,
    });
    await provider();
    // Act
    time.advance(10 * 60_000 + 1);
    const refreshed = await provider();
    // Assess
    assert.equal(fake.requests.length, 2);
    assert.equal(refreshed.accessKeyId, 'ASIAFAKE000000000002');
    assert.deepEqual(fake.requests[1]?.body, {
      roleArn: 'arn:aws:iam::222222222222:role/reports-read',
      durationSeconds: 900,
    });
  });

  it('honours a configured refresh window', async () => {
    // Prepare
    const time = clock();
    const fake = fakeFetch([issued(inMinutes(time, 15), 1), issued(inMinutes(time, 30), 2)]);
    const provider = fromCredentialBroker({
      endpoint: ENDPOINT,
      grant: 'reports-reader',
      refreshWindowMs: 60_000,
      signer: testSigner,
      fetch: fake.fetch,
      now: time.now,
    });
    await provider();
    // Act: 13 min in, outside a 1 min window (the default 5 min window would refresh).
    time.advance(13 * 60_000);
    await provider();
    // Assess
    assert.equal(fake.requests.length, 1);
  });

  it('coalesces concurrent calls into one broker request', async () => {
    // Prepare
    const time = clock();
    const fake = fakeFetch([issued(inMinutes(time, 15), 1), issued(inMinutes(time, 30), 2)], { delayMs: 20 });
    const provider = fromCredentialBroker({
      endpoint: ENDPOINT,
      grant: 'reports-reader',
      signer: testSigner,
      fetch: fake.fetch,
      now: time.now,
    });
    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => provider()));
    // Assess
    assert.equal(fake.requests.length, 1);
    assert.ok(results.every((r) => r.accessKeyId === 'ASIAFAKE000000000001'));
  });

  it('retries 503 and 429, waiting what Retry-After asks', async () => {
    // Prepare
    const time = clock();
    const sleeps: number[] = [];
    const fake = fakeFetch([
      problem(503, 'dependency_unavailable', { 'retry-after': '2' }),
      problem(429, 'rate_limited', { 'retry-after': '1' }),
      issued(inMinutes(time, 15), 1),
    ]);
    const provider = fromCredentialBroker({
      endpoint: ENDPOINT,
      grant: 'reports-reader',
      signer: testSigner,
      fetch: fake.fetch,
      now: time.now,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    // Act
    const credentials = await provider();
    // Assess
    assert.equal(credentials.accessKeyId, 'ASIAFAKE000000000001');
    assert.equal(fake.requests.length, 3);
    assert.deepEqual(sleeps, [2000, 1000]);
  });

  it('backs off with jitter when no Retry-After is given, and stops after maxRetries', async () => {
    // Prepare
    const sleeps: number[] = [];
    const fake = fakeFetch([{ status: 502, body: '<html>bad gateway</html>' }]);
    const provider = fromCredentialBroker({
      endpoint: ENDPOINT,
      grant: 'reports-reader',
      signer: testSigner,
      fetch: fake.fetch,
      maxRetries: 2,
      baseDelayMs: 100,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    // Act
    const result = provider();
    // Assess
    await assert.rejects(
      result,
      (error: unknown) => error instanceof BrokerClientError && error.status === 502,
    );
    assert.equal(fake.requests.length, 3);
    assert.deepEqual(sleeps, [50, 100]);
  });

  it('gives up at once when Retry-After is longer than the longest wait', async () => {
    // Prepare
    const sleeps: number[] = [];
    const fake = fakeFetch([problem(503, 'dependency_unavailable', { 'retry-after': '120' })]);
    const provider = fromCredentialBroker({
      endpoint: ENDPOINT,
      grant: 'reports-reader',
      signer: testSigner,
      fetch: fake.fetch,
      maxDelayMs: 10_000,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    // Act
    const result = provider();
    // Assess
    await assert.rejects(
      result,
      (error: unknown) => error instanceof BrokerClientError && error.retryAfterSeconds === 120,
    );
    assert.equal(fake.requests.length, 1);
    assert.deepEqual(sleeps, []);
  });

  it('surfaces a 4xx at once with the problem code and no secret', async () => {
    // Prepare
    const fake = fakeFetch([problem(403, 'not_allowed'), issued(new Date(Date.now() + 900_000), 1)]);
    const provider = fromCredentialBroker({
      endpoint: ENDPOINT,
      grant: 'reports-reader',
      signer: testSigner,
      fetch: fake.fetch,
      sleep: async () => assert.fail('a 4xx must not be retried'),
    });
    // Act
    const result = provider();
    // Assess
    await assert.rejects(result, (error: unknown) => {
      assert.ok(error instanceof BrokerClientError);
      assert.equal(error.code, 'not_allowed');
      assert.equal(error.status, 403);
      assert.equal(error.requestId, 'req-1');
      assert.match(error.message, /detail of not_allowed/);
      return true;
    });
    assert.equal(fake.requests.length, 1);
  });

  it('asks again after a failure instead of caching it', async () => {
    // Prepare
    const fake = fakeFetch([problem(400, 'invalid_request'), issued(new Date(Date.now() + 900_000), 1)]);
    const provider = fromCredentialBroker({
      endpoint: ENDPOINT,
      grant: 'reports-reader',
      signer: testSigner,
      fetch: fake.fetch,
    });
    await assert.rejects(provider());
    // Act
    const credentials = await provider();
    // Assess
    assert.equal(credentials.accessKeyId, 'ASIAFAKE000000000001');
    assert.equal(fake.requests.length, 2);
  });

  it('refuses a 201 without usable credentials, naming fields but never values', async () => {
    // Prepare
    const answer = issued(new Date(Date.now() + 900_000), 1);
    const body = answer.body as { credentials: Record<string, string> };
    body.credentials.expiration = `not a date ${SECRET}`;
    const provider = fromCredentialBroker({
      endpoint: ENDPOINT,
      grant: 'reports-reader',
      signer: testSigner,
      fetch: fakeFetch([answer]).fetch,
    });
    // Act
    const result = provider();
    // Assess
    await assert.rejects(result, (error: unknown) => {
      assert.ok(error instanceof BrokerClientError);
      assert.equal(error.code, 'invalid_response');
      assert.match(error.message, /credentials\.expiration/);
      assert.doesNotMatch(error.message, /CLIENTzzSECRET/);
      return true;
    });
  });

  it('reports each issuance without its secrets', async () => {
    // Prepare
    const seen: unknown[] = [];
    const provider = fromCredentialBroker({
      endpoint: ENDPOINT,
      grant: 'reports-reader',
      signer: testSigner,
      fetch: fakeFetch([issued(new Date(Date.now() + 900_000), 1)]).fetch,
      onIssued: (issuance) => seen.push(issuance),
    });
    // Act
    await provider();
    // Assess
    assert.equal(seen.length, 1);
    const text = JSON.stringify(seen);
    assert.match(text, /01ISSUANCE1/);
    assert.doesNotMatch(text, /CLIENTzzSECRET|CLIENTzzSESSION/);
  });
});

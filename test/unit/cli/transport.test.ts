/**
 * Transport safety and strict answers, through the real CLI in-process against stub
 * servers: a redirect is never followed (its target receives nothing), http:// is refused
 * before any connection unless the endpoint is loopback, and an answer the route never
 * gives (a 200 where it answers 201, a body that does not parse) is an error that names
 * the real status and exits 3.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../cli/broker.js';
import { makeBrokerApi } from '../../../lib/client/broker-api.js';
import { EndpointError } from '../../../lib/client/endpoint.js';
import { signedFetch } from '../../../lib/client/signed-fetch.js';
import { captureCliIo } from '../../support/cli-io.js';
import {
  answeringMyGrants,
  myGrantsBody,
  type Reply,
  type Stub,
  startStub,
  stopStub as stop,
} from '../../support/stub-broker.js';

/** The caller's grants, asked before a credential_process issuance: answered as the broker would. */
const REPORTS_GRANT = myGrantsBody([
  { id: 'reports-reader', provider: 'aws', role: 'arn:aws:iam::222222222222:role/reports-read' },
]);
const issuing = (reply: Reply) => startStub(answeringMyGrants(REPORTS_GRANT, reply));

const issuedBody = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    issuanceId: '01JTRANSPORT',
    grant: 'reports-reader',
    provider: 'aws',
    roleArn: 'arn:aws:iam::222222222222:role/reports-read',
    assumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/reports-read/reporting-service.x',
    sourceIdentity: 'reporting-service',
    durationSeconds: 900,
    credentials: {
      accessKeyId: 'ASIATRANSPORT0000001',
      secretAccessKey: 'TRANSPORTzzSECRET',
      sessionToken: 'TRANSPORTzzTOKEN',
      expiration: '2030-01-01T00:15:00.000Z',
    },
    ...overrides,
  });

const creds = (endpoint: string) => [
  'creds',
  '--local',
  '--as',
  'reporting-service',
  '--grant',
  'reports-reader',
  '--endpoint',
  endpoint,
];

describe('transport safety', () => {
  let target: Stub;
  let redirector: Stub;
  before(async () => {
    target = await startStub(() => ({ status: 201, body: issuedBody() }));
    redirector = await issuing(() => ({
      status: 307,
      headers: { location: `${target.url}/v1/credentials` },
    }));
  });
  after(async () => {
    await stop(target);
    await stop(redirector);
  });

  it('never follows a redirect: the target receives nothing, and the command exits 3', async () => {
    // Prepare
    const { io, cli } = captureCliIo();
    // Act
    const code = await main(creds(redirector.url), cli);
    // Assess
    assert.equal(code, 3);
    const posts = redirector.requests.filter((request) => request.method === 'POST');
    assert.equal(posts.length, 1, 'asked once: a refused redirect is not retried');
    assert.equal(target.requests.length, 0, 'the redirect target received nothing');
    assert.equal(io.out, '');
    assert.match(
      io.err,
      /^broker: The endpoint answered with a redirect, which clients never follow \(redirect_refused\)\n/,
    );
  });

  it('signedFetch never follows a redirect either: the target receives nothing', async () => {
    // Prepare
    const before = target.requests.length;
    const credentials = { accessKeyId: 'AKIATRANSPORT0000001', secretAccessKey: 'TRANSPORTzzSIGNINGzzKEY' };
    // Act
    const call = signedFetch(`${redirector.url}/v1/credentials`, { method: 'POST', body: '{}' }, credentials);
    // Assess
    await assert.rejects(call, TypeError);
    assert.equal(target.requests.length, before, 'the redirect target received nothing');
  });

  it('refuses http:// to a non-loopback host before any connection', async () => {
    // Prepare
    const calls: string[] = [];
    const recordingFetch = (async (url: string | URL | Request) => {
      calls.push(String(url));
      return new Response('{}', { status: 201 });
    }) as typeof fetch;
    const { io, cli } = captureCliIo();
    // Act
    const build = () =>
      makeBrokerApi({
        endpoint: 'http://broker.example.com',
        fetch: recordingFetch,
        signer: async () => ({}),
      });
    const code = await main(creds('http://10.1.2.3:8080'), cli);
    // Assess
    assert.throws(build, EndpointError);
    assert.deepEqual(calls, []);
    assert.equal(code, 1);
    assert.match(io.err, /refusing http:\/\/ to 10\.1\.2\.3: signed requests go over https:\/\//);
  });

  it('accepts https:// anywhere and http:// to loopback, with or without a trailing /v1/', async () => {
    // Prepare
    const paths: string[] = [];
    const recordingFetch = (async (url: string | URL | Request) => {
      paths.push(String(url));
      return new Response(issuedBody(), { status: 201 });
    }) as typeof fetch;
    const signer = async () => ({});
    // Act
    for (const endpoint of [
      'https://abc.execute-api.eu-west-1.amazonaws.com/',
      'http://127.0.0.1:3000/v1/',
      'http://localhost:3000/v1',
    ]) {
      await makeBrokerApi({ endpoint, fetch: recordingFetch, signer }).issueCredentials({ grant: 'g1' });
    }
    // Assess
    assert.deepEqual(paths, [
      'https://abc.execute-api.eu-west-1.amazonaws.com/v1/credentials',
      'http://127.0.0.1:3000/v1/credentials',
      'http://localhost:3000/v1/credentials',
    ]);
  });
});

describe('strict answers', () => {
  it('refuses an HTTP 200 where the route answers 201, naming the real status (no hard-coded one)', async () => {
    // Prepare
    const stub = await issuing(() => ({ status: 200, body: issuedBody() }));
    const { io, cli } = captureCliIo();
    // Act
    const code = await main(creds(stub.url), cli);
    await stop(stub);
    // Assess
    assert.equal(code, 3);
    assert.equal(io.out, '', 'no credentials printed');
    assert.match(
      io.err,
      /^broker: The broker answered HTTP 200 where this route answers 201 \(unexpected_status, HTTP 200\)\n/,
    );
  });

  it('refuses a 201 whose body the contract does not allow, without echoing it', async () => {
    // Prepare
    const stub = await issuing(() => ({
      status: 201,
      body: issuedBody({ durationSeconds: 'long', credentials: { secretAccessKey: 'TRANSPORTzzSECRET' } }),
    }));
    const { io, cli } = captureCliIo();
    // Act
    const code = await main(creds(stub.url), cli);
    await stop(stub);
    // Assess
    assert.equal(code, 3);
    assert.match(io.err, /\(invalid_response, HTTP 201\)/);
    assert.match(io.err, /fields: durationSeconds, credentials\.accessKeyId/);
    assert.doesNotMatch(io.err, /TRANSPORTzz/);
  });

  it('announces each retry on stderr, with the wait and the attempt', async () => {
    // Prepare
    let calls = 0;
    const stub = await issuing(() => {
      calls += 1;
      return calls === 1
        ? {
            status: 429,
            headers: { 'retry-after': '1', 'content-type': 'application/problem+json' },
            body: JSON.stringify({ title: 'Too many requests', code: 'rate_limited', status: 429 }),
          }
        : { status: 201, body: issuedBody() };
    });
    const { io, cli } = captureCliIo();
    // Act
    const code = await main(creds(stub.url), cli);
    await stop(stub);
    // Assess
    assert.equal(code, 0, io.err);
    assert.equal(io.err, 'broker: retrying in 1 s: rate_limited (attempt 2 of 4)\n');
    assert.equal(JSON.parse(io.out).AccessKeyId, 'ASIATRANSPORT0000001');
  });
});

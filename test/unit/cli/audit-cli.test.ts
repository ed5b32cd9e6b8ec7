/**
 * `broker audit` in-process against a stub API: the request it signs, cursor following
 * with progress on stderr, and the exit code for each kind of failure.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../cli/broker.js';
import { captureCliIo } from '../../support/cli-io.js';

type Reply = { status: number; body: unknown };
let replies: ((request: IncomingMessage) => Reply)[] = [];
const requests: IncomingMessage[] = [];
let server: Server;
let endpoint: string;

before(async () => {
  server = createServer((request, response) => {
    requests.push(request);
    const reply = replies.shift()?.(request) ?? { status: 500, body: { title: 'Internal error' } };
    response.writeHead(reply.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const record = (n: number) => ({
  issuanceId: `ISS${n}`,
  decision: 'ISSUED',
  at: `2025-03-10T00:0${n}:00.000Z`,
  callerKey: 'aws:111111111111:role/rotation-job',
  callerPrincipal: 'arn:aws:iam::111111111111:role/rotation-job',
  callerKind: 'aws',
});
const page = (items: unknown[], cursor?: string) => () => ({
  status: 200,
  body: { items, ...(cursor ? { cursor } : {}), servedBy: { index: 'byCaller', postFilters: [] } },
});

describe('broker audit', () => {
  it('signs a GET with the filters as query parameters and follows cursors with --all', async () => {
    // Prepare
    requests.length = 0;
    replies = [page([record(1)], 'c1.mac'), page([record(2)])];
    const { io, cli } = captureCliIo();
    // Act
    const code = await main(
      [
        'audit',
        '--local',
        '--as',
        'security-audit',
        '--endpoint',
        endpoint,
        '--caller',
        'aws:111111111111:role/rotation-job',
        '--all',
        '--format',
        'ndjson',
        '--limit',
        '1',
      ],
      cli,
    );
    // Assess
    assert.equal(code, 0, io.err);
    assert.deepEqual(
      io.out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).issuanceId),
      ['ISS1', 'ISS2'],
    );
    assert.equal(requests[0]?.url, '/v1/issuances?caller=aws%3A111111111111%3Arole%2Frotation-job&limit=1');
    assert.equal(
      requests[1]?.url,
      '/v1/issuances?caller=aws%3A111111111111%3Arole%2Frotation-job&limit=1&cursor=c1.mac',
    );
    assert.match(
      String(requests[0]?.headers.authorization),
      /^AWS4-HMAC-SHA256 Credential=AKIALOCALAUDITOR0001\//,
    );
    assert.match(io.err, /1 records after page 1/);
  });

  it('exits 2 on 403 and 401, printing the problem title and detail', async () => {
    for (const status of [403, 401]) {
      // Prepare
      replies = [
        () => ({
          status,
          body: {
            title: 'Forbidden',
            detail: 'This caller may not perform this action.',
            code: 'not_allowed',
            requestId: 'r-1',
          },
        }),
      ];
      const { io, cli } = captureCliIo({ BROKER_ENDPOINT: endpoint });
      // Act
      const code = await main(['audit', '--local', '--as', 'reporting-service'], cli);
      // Assess
      assert.equal(code, 2);
      assert.equal(
        io.err,
        `broker: Forbidden (not_allowed, HTTP ${status})\n` +
          '  This caller may not perform this action.\n' +
          '  request id r-1\n' +
          'hint: this route is for auditors only (the auditors of the grants file)\n',
      );
      assert.equal(io.out, '');
    }
  });

  it('exits 1 on usage errors and on a request the server calls invalid', async () => {
    // Prepare
    replies = [
      () => ({
        status: 400,
        body: { title: 'Invalid request', detail: 'The cursor is invalid.', code: 'invalid_cursor' },
      }),
    ];
    const usage = [
      ['audit', '--bogus'],
      ['audit', '--local', '--limit', '0'],
      ['audit', '--as', 'security-audit'],
      ['audit'],
      ['audit', '--local', '--as', 'nobody', '--endpoint', endpoint],
      ['nope'],
    ];
    // Act
    const codes = [];
    for (const argv of usage) codes.push(await main(argv, captureCliIo().cli));
    const server400 = captureCliIo();
    codes.push(await main(['audit', '--local', '--endpoint', endpoint], server400.cli));
    // Assess
    assert.deepEqual(codes, [1, 1, 1, 1, 1, 1, 1]);
    assert.match(
      server400.io.err,
      /^broker: Invalid request \(invalid_cursor, HTTP 400\)\n {2}The cursor is invalid\.\n/,
    );
    assert.doesNotMatch(server400.io.err, /\n\s+at /, 'no stack trace');
  });

  it('exits 3 when the server fails or cannot be reached', async () => {
    // Prepare
    replies = [() => ({ status: 503, body: { title: 'Service unavailable', detail: 'retry later' } })];
    const failed = captureCliIo();
    const unreachable = captureCliIo();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    // Act
    const codes = [
      await main(['audit', '--local', '--endpoint', endpoint], failed.cli),
      await main(['audit', '--local', '--endpoint', `http://127.0.0.1:${closedPort}`], unreachable.cli),
    ];
    // Assess
    assert.deepEqual(codes, [3, 3]);
    assert.equal(
      unreachable.io.err,
      'broker: Broker unreachable (connection_refused)\n' +
        `  cannot reach http://127.0.0.1:${closedPort}: ECONNREFUSED\n` +
        'hint: the local stack is not running: start it with `npm start` in the broker repository\n',
    );
  });

  it('refuses an answer the route never gives: HTTP 200 with a gateway error body exits 3 with the real status', async () => {
    // Prepare
    replies = [() => ({ status: 200, body: { errorMessage: '[504] - Lambda timeout.' } })];
    const { io, cli } = captureCliIo();
    // Act
    const code = await main(['audit', '--local', '--endpoint', endpoint], cli);
    // Assess
    assert.equal(code, 3);
    assert.equal(io.out, '', 'no "(no records)" for a broken answer');
    assert.match(
      io.err,
      /^broker: The broker answered with a body this route never sends \(invalid_response, HTTP 200\)\n/,
    );
    assert.match(io.err, /\n {2}fields: items, servedBy\n/);
  });

  it('says when more pages exist, and with --id prints the issuance status', async () => {
    // Prepare
    replies = [
      page([record(1)], 'c1.mac'),
      () => ({ status: 200, body: { issuanceId: 'ISS7', status: 'UNCONFIRMED', items: [record(7)] } }),
    ];
    const listing = captureCliIo();
    const one = captureCliIo();
    // Act
    const codes = [
      await main(['audit', '--local', '--endpoint', endpoint, '--format', 'ndjson'], listing.cli),
      await main(['audit', '--local', '--endpoint', endpoint, '--id', 'ISS7', '--format', 'ndjson'], one.cli),
    ];
    // Assess
    assert.deepEqual(codes, [0, 0]);
    assert.match(listing.io.err, /more records exist: add --all, or --cursor c1\.mac/);
    assert.match(one.io.err, /issuance ISS7: UNCONFIRMED/);
    assert.equal(JSON.parse(one.io.out).issuanceId, 'ISS7');
  });
});

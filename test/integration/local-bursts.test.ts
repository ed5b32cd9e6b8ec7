/**
 * The local stack under a cold burst, and when a function fails: outcomes are counted, not
 * timed. A burst answers 201 or 429 only; a Lambda error is problem+json 502, never HTTP 200.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startStackFixture } from './stack-fixture.js';

const BURST = 40;

describe('local bursts', () => {
  it(`answers a cold burst of ${BURST} concurrent issuances with 201 or 429 only`, async () => {
    // Prepare: a fresh stack; nothing has called a function yet.
    const fixture = await startStackFixture();
    try {
      // Act
      const outcomes = await Promise.all(
        Array.from({ length: BURST }, async () => {
          const response = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
            grant: 'reports-reader',
          });
          return { status: response.status, text: await response.text() };
        }),
      );
      // Assess
      const counts = new Map<number, number>();
      for (const { status } of outcomes) counts.set(status, (counts.get(status) ?? 0) + 1);
      const unexpected = outcomes.filter(({ status }) => status !== 201 && status !== 429);
      assert.deepEqual(unexpected.slice(0, 3), [], `outcomes: ${JSON.stringify([...counts])}`);
      assert.ok((counts.get(201) ?? 0) > 0, 'at least one issued');
      for (const { status, text } of outcomes) {
        if (status === 201) assert.equal(typeof JSON.parse(text).credentials?.accessKeyId, 'string');
      }
    } finally {
      await fixture.stop();
    }
  });

  it('answers a function that fails its cold start with problem+json 502, not HTTP 200', async () => {
    // Prepare: a configuration every function refuses at cold start.
    const fixture = await startStackFixture({ apiEnv: { BROKER_RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      // Act
      const issue = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
        grant: 'reports-reader',
      });
      const health = await fixture.call('reporting-service', 'GET', '/v1/health');
      // Assess
      for (const response of [issue, health]) {
        assert.equal(response.status, 502);
        assert.equal(response.headers.get('content-type'), 'application/problem+json');
        const body = (await response.json()) as { code?: string; errorMessage?: unknown };
        assert.equal(body.code, 'local_lambda_error');
        assert.equal(body.errorMessage, undefined);
      }
      assert.match(fixture.apiOutput(), /api-gate: POST \/v1\/credentials → 502/);
    } finally {
      await fixture.stop();
    }
  });
});

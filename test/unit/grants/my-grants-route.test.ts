/**
 * The durations GET /v1/grants/mine shows are the ones issuance enforces: checked against
 * an oracle written here from the documented limits (provider 900-43200 s, the grant's
 * maximum, the role's MaxSessionDuration, 3600 s when the broker chains roles), and against
 * issuance itself (the maximum shown is accepted, one second more is refused).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { budgetFromDeadline } from '../../../lib/budget.js';
import type { MyGrantBody } from '../../../lib/contracts/list-my-grants.js';
import { makeAllowList } from '../../../lib/grants/allow-list.js';
import { myGrantsRoute } from '../../../lib/grants/my-grants-route.js';
import { boundDuration } from '../../../lib/issuance/duration.js';
import { noRateLimit } from '../../support/fakes.js';
import {
  REPORTING_SERVICE,
  REPORTS_ROLE,
  reportingCaller,
  sampleGrantsFile,
  TOS_ROLE,
} from '../../support/grants.js';

const seconds = fc.integer({ min: 900, max: 43_200 });
const grantInput = fc
  .record({
    provider: fc.constantFrom('aws' as const, 'volcengine' as const),
    maxDurationSeconds: fc.option(seconds, { nil: undefined }),
    defaultDurationSeconds: fc.option(seconds, { nil: undefined }),
    roleMaxSessionDurationSeconds: fc.option(seconds, { nil: undefined }),
  })
  // The grants file refuses a default above the grant's maximum.
  .filter(
    (g) =>
      g.defaultDurationSeconds === undefined || g.defaultDurationSeconds <= (g.maxDurationSeconds ?? 43_200),
  );

describe('GET /v1/grants/mine: durations (property)', () => {
  it('shows the range and default issuance applies, role chaining included', async () => {
    await fc.assert(
      fc.asyncProperty(grantInput, fc.boolean(), async (input, roleChaining) => {
        // Prepare
        const { provider, roleMaxSessionDurationSeconds, ...durations } = input;
        const grant = {
          id: 'g-under-test',
          callers: [REPORTING_SERVICE],
          ...(provider === 'aws'
            ? { provider, roleArn: REPORTS_ROLE, roleMaxSessionDurationSeconds }
            : { provider, roleTrn: TOS_ROLE }),
          ...durations,
        };
        const file = sampleGrantsFile({ version: 1, grants: [JSON.parse(JSON.stringify(grant))] });
        const route = myGrantsRoute({
          allowList: makeAllowList(file),
          rateLimiter: noRateLimit,
          requestsPerMinute: 1,
          roleChaining,
        });
        // Oracle
        const limits = [43_200, input.maxDurationSeconds ?? 43_200];
        if (provider === 'aws')
          limits.push(roleMaxSessionDurationSeconds ?? 3600, roleChaining ? 3600 : 43_200);
        const max = Math.min(...limits);
        const fallback = Math.min(input.defaultDurationSeconds ?? 900, max);
        // Act
        const result = await route.handle({
          caller: reportingCaller(),
          body: undefined,
          query: {},
          pathParameters: {},
          facts: { requestId: 'r-1', budget: budgetFromDeadline(Date.now() + 10_000, Date.now) },
        });
        // Assess
        const [shown] = (result.body as { grants: MyGrantBody[] }).grants;
        assert.deepEqual(
          [shown?.minDurationSeconds, shown?.defaultDurationSeconds, shown?.maxDurationSeconds],
          [900, fallback, max],
        );
        const [stored] = file.grants;
        assert.ok(stored && shown);
        assert.equal(
          boundDuration(undefined, stored, { roleChaining }).durationSeconds,
          shown.defaultDurationSeconds,
        );
        assert.equal(boundDuration(shown.maxDurationSeconds, stored, { roleChaining }).durationSeconds, max);
        assert.throws(() => boundDuration(shown.maxDurationSeconds + 1, stored, { roleChaining }));
      }),
      { numRuns: 300 },
    );
  });
});

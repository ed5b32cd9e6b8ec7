/**
 * The deployed issuance chain (middy, Powertools logger and EMF metrics, body validation,
 * allow-list, duration, session policy and tags, response) over local/grants.yaml, with
 * in-process fakes for STS, the audit store and the rate limiter, so every microsecond and
 * byte measured is the broker's own.
 */
import { makeHandler } from '../../functions/issue-credentials/compose.js';
import { loadGrants } from '../../lib/config/grants.js';
import type { ProviderName } from '../../lib/contracts/limits.js';
import { makeAllowList } from '../../lib/grants/allow-list.js';
import { newRecordId } from '../../lib/ids.js';
import { type IssueDeps, makeIssueCredentials } from '../../lib/issuance/issue-credentials.js';
import type { AuditStore, Issuer } from '../../lib/issuance/ports.js';
import { makeLogger } from '../../lib/observability/logger.js';
import { makeMetrics, metricsMiddleware } from '../../lib/observability/metrics.js';

export const MAX_BODY_BYTES = 65_536;

const fakeIssuer = (provider: ProviderName): Issuer => ({
  provider,
  assume: async (input) => ({
    accessKeyId: 'ASIABENCHACCESSKEY01',
    secretAccessKey: 'bench-secret-access-key-0000000000000000',
    sessionToken: 'bench-session-token',
    expiration: new Date(Date.now() + input.durationSeconds * 1000),
    assumedRoleArn: `arn:aws:sts::222222222222:assumed-role/reports-read/${input.roleSessionName}`,
  }),
});

/** `handler` is the deployed composition; `issue` the bare use case on the same ports. */
export function issuanceChain(providers: ProviderName[]) {
  const audit: AuditStore = { append: async () => undefined, probe: async () => undefined };
  const logger = makeLogger();
  const metrics = makeMetrics({ stage: 'bench', logger });
  const ports: IssueDeps = {
    allowList: makeAllowList(loadGrants('local/grants.yaml')),
    audit,
    issuers: Object.fromEntries(providers.map((provider) => [provider, fakeIssuer(provider)])),
    newIssuanceId: newRecordId,
    clock: () => new Date(),
    roleChaining: true,
    rateLimiter: { knownOver: () => undefined, charge: async () => ({ over: false }) },
    rateLimits: { requestsPerMinute: 1_000_000, issuancesPerMinute: 1_000_000 },
    metrics: metrics.issuance,
    onAuditGap: () => undefined,
  };
  const handler = makeHandler(ports, {
    logger,
    maxBodyBytes: MAX_BODY_BYTES,
    middlewares: [metricsMiddleware(metrics)],
  });
  return { issue: makeIssueCredentials(ports), handler };
}

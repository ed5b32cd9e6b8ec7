/**
 * Issuance metrics as CloudWatch Embedded Metric Format (Powertools Metrics): one JSON line
 * on stdout that CloudWatch turns into metrics, so there is no PutMetricData call (and no
 * extra IAM permission or latency) on the request path.
 *
 * Shape, chosen for cheap logs and alarmable series:
 * - Issued, StsLatency and AuditLatency go into the request's buffer, flushed once per
 *   request by the `logMetrics` middleware (one line; repeated latencies become an array).
 * - Denied (dimension `reason`) and Failed (dimension `dependency`) are single metrics,
 *   because EMF gives one dimension set per line and a request may have both.
 * Every line carries `requestId` and `caller` as metadata (not dimensions: unbounded values
 * would create one CloudWatch series per request).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MetricsOptions } from '@aws-lambda-powertools/metrics/types';
import type { IssuanceDependency, IssuanceMetrics } from '../issuance/ports.js';
import type { BrokerLogger } from './logger.js';

export const METRICS_NAMESPACE = 'CredentialBroker';
export const METRICS_SERVICE = 'credential-broker';

/** Metric names, shared with the CloudWatch alarms in config/serverless/resources.cjs. */
export const METRIC = {
  issued: 'Issued',
  denied: 'Denied',
  failed: 'Failed',
  latency: { sts: 'StsLatency', audit: 'AuditLatency' },
} as const;

export interface BrokerMetrics {
  /** The Powertools instance, for the `logMetrics` middleware that flushes it per request. */
  readonly emf: Metrics;
  readonly issuance: IssuanceMetrics;
}

export function makeMetrics(options: { stage: string; logger: BrokerLogger }): BrokerMetrics {
  const emf = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: METRICS_SERVICE,
    // Stages share an account: without the stage, a dev load test would page prod.
    defaultDimensions: { stage: options.stage },
    logger: withoutEmptyFlushNotice(options.logger),
  });
  let request: Record<string, string> = {};

  const single = (name: string, dimension: string, value: string) => {
    const metric = emf.singleMetric();
    metric.addDimension(dimension, value);
    for (const [key, entry] of Object.entries(request)) metric.addMetadata(key, entry);
    metric.addMetric(name, MetricUnit.Count, 1);
  };

  const issuance: IssuanceMetrics = {
    request(facts) {
      request = { requestId: facts.requestId, caller: facts.caller };
      for (const [key, entry] of Object.entries(request)) emf.addMetadata(key, entry);
    },
    issued: () => emf.addMetric(METRIC.issued, MetricUnit.Count, 1),
    denied: (reason) => single(METRIC.denied, 'reason', reason),
    failed: (dependency) => single(METRIC.failed, 'dependency', dependency),
    latency: (dependency: IssuanceDependency, ms) =>
      emf.addMetric(METRIC.latency[dependency], MetricUnit.Milliseconds, Math.round(ms * 100) / 100),
  };
  return { emf, issuance };
}

/** Flushes the request's buffered metrics after the handler, on success and on error. */
export const metricsMiddleware = (metrics: BrokerMetrics) => logMetrics(metrics.emf);

/**
 * Requests refused before the use case (401, 400, 413) have no application metrics, which
 * is expected: Powertools' "No application metrics to publish" notice would be one plain
 * text line per refused request, so it is dropped; every other notice goes to the logger.
 */
function withoutEmptyFlushNotice(logger: BrokerLogger): NonNullable<MetricsOptions['logger']> {
  return {
    debug: (...args: unknown[]) => logger.debug(String(args[0])),
    info: (...args: unknown[]) => logger.info(String(args[0])),
    error: (...args: unknown[]) => logger.error(String(args[0])),
    warn: (...args: unknown[]) => {
      const message = String(args[0]);
      if (!message.startsWith('No application metrics to publish')) logger.warn(message);
    },
  };
}

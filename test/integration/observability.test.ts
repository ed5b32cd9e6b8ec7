/**
 * What an operator sees in CloudWatch Logs for one request: the deployed handler, in
 * process, with its real logger, metrics and SDK clients (against dynalite and the STS
 * emulator). Every line is JSON, every log line names the request and the caller, EMF
 * metric lines are there, and no secret that STS issued appears anywhere.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type InProcessBroker, startInProcessBroker } from '../support/in-process-broker.js';
import { buildContext, buildEvent, iamAuthorizer } from '../support/lambda.js';
import { captureOutput } from '../support/output-capture.js';

const REPORTING = 'arn:aws:sts::111111111111:assumed-role/reporting-service/reporting-worker-1';
const REPORTING_KEY = 'aws:111111111111:role/reporting-service';
const MALLORY = 'arn:aws:iam::111111111111:user/mallory';

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

const isEmf = (entry: Record<string, unknown>): entry is EmfLine => '_aws' in entry;
const metricNames = (entries: EmfLine[]) =>
  entries.flatMap((e) => e._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((metric) => metric.Name)));

async function invoke(broker: InProcessBroker, requestId: string, userArn: string, body: unknown) {
  const capture = captureOutput();
  try {
    const response = await broker.handler(
      buildEvent({ body, authorizer: iamAuthorizer(userArn), requestId: `apigw-${requestId}` }),
      { ...buildContext(), awsRequestId: requestId },
    );
    return { response, lines: capture.lines() };
  } finally {
    capture.restore();
  }
}

describe('observability of an issuance (deployed handler, in process)', () => {
  let broker: InProcessBroker;
  before(async () => {
    broker = await startInProcessBroker({ env: { POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_DEV: 'false' } });
  });
  after(() => broker.stop());

  it('writes only JSON lines, each naming the request and caller, with EMF metrics and no secret', async () => {
    // Prepare
    const requestId = 'obs-issue-0001';
    // Act
    const { response, lines } = await invoke(broker, requestId, REPORTING, { grant: 'reports-reader' });
    // Assess
    assert.equal(response.statusCode, 201);
    const issued = JSON.parse(String(response.body)) as { credentials: { secretAccessKey: string } };
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const logs = entries.filter((entry) => !isEmf(entry));
    const emf = entries.filter(isEmf);
    assert.ok(logs.length > 0, 'at least the request summary is logged');
    for (const log of logs) {
      assert.equal(log.function_request_id, requestId, JSON.stringify(log));
      assert.equal(log.caller, REPORTING_KEY, JSON.stringify(log));
    }
    for (const line of emf) {
      assert.equal(line.requestId, requestId);
      assert.equal(line.caller, REPORTING_KEY);
      assert.equal(line._aws.CloudWatchMetrics[0]?.Namespace, 'CredentialBroker');
    }
    assert.deepEqual(new Set(metricNames(emf)), new Set(['Issued', 'StsLatency', 'AuditLatency']));
    const secrets = [...broker.sts.issuedSecrets(), issued.credentials.secretAccessKey];
    assert.ok(secrets.length >= 3, 'the emulator reports the secrets it issued');
    for (const secret of secrets) {
      assert.ok(!lines.some((line) => line.includes(secret)), 'no issued secret in any log line');
    }
  });

  it('counts a denial by reason, as a metric line tied to the request', async () => {
    // Prepare
    const requestId = 'obs-deny-0001';
    // Act
    const { response, lines } = await invoke(broker, requestId, MALLORY, { grant: 'reports-reader' });
    // Assess
    assert.equal(response.statusCode, 403);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const denied = entries.filter(isEmf).find((line) => metricNames([line]).includes('Denied'));
    assert.ok(denied, 'a Denied metric line');
    assert.equal(denied.reason, 'no_matching_grant');
    assert.deepEqual(denied._aws.CloudWatchMetrics[0]?.Dimensions, [['service', 'stage', 'reason']]);
    assert.equal(denied.requestId, requestId);
    for (const log of entries.filter((entry) => !isEmf(entry))) {
      assert.equal(log.function_request_id, requestId);
    }
  });

  it('counts an STS failure as Failed with dependency sts, and still leaks no secret', async () => {
    // Prepare
    broker.sts.injectFault({ kind: 'internal-error', action: 'AssumeRole', count: 10 });
    const requestId = 'obs-fail-0001';
    // Act
    const { response, lines } = await invoke(broker, requestId, REPORTING, { grant: 'reports-reader' });
    broker.sts.clearFaults();
    // Assess
    assert.equal(response.statusCode, 503);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const failed = entries.filter(isEmf).find((line) => metricNames([line]).includes('Failed'));
    assert.ok(failed, 'a Failed metric line');
    assert.equal(failed.dependency, 'sts');
    for (const secret of broker.sts.issuedSecrets()) {
      assert.ok(!lines.some((line) => line.includes(secret)));
    }
  });
});

// CloudWatch alarms on the broker's EMF metrics (lib/observability/metrics.ts: namespace
// CredentialBroker, dimensions service + stage, Failed by `dependency`). Names and
// dimensions here must match that module. Alarm actions go to the SNS topic given with
// --param="alarmTopicArn=arn:aws:sns:..."; without it the alarms exist but notify nobody.
const NAMESPACE = 'CredentialBroker';
const SERVICE = 'credential-broker';
const PERIOD_SECONDS = 300;

const metric = (id, name, stage, extraDimensions = []) => ({
  Id: id,
  ReturnData: false,
  MetricStat: {
    Metric: {
      Namespace: NAMESPACE,
      MetricName: name,
      Dimensions: [{ Name: 'service', Value: SERVICE }, { Name: 'stage', Value: stage }, ...extraDimensions],
    },
    Period: PERIOD_SECONDS,
    Stat: 'Sum',
  },
});

module.exports = async ({ params, stage, service }) => {
  const topic = params.alarmTopicArn;
  const failedRatePercent = params.failedRateAlarmPercent;
  const actions = topic ? { AlarmActions: [topic], OKActions: [topic] } : {};
  const failedOn = (dependency) => [{ Name: 'dependency', Value: dependency }];

  return {
    // FAILED share of issuance attempts (STS or audit failures over issued + failed), in
    // percent. Below 3 failures in a period it reads 0: one failure among two calls at
    // night is not an incident, a sustained share is.
    FailedRateAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${service}-${stage}-failed-rate`,
        AlarmDescription:
          'Issuances failing on STS or the audit table (503s to callers). Check the FAILED audit records and the function log.',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: failedRatePercent,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
        Metrics: [
          metric('issued', 'Issued', stage),
          metric('failedSts', 'Failed', stage, failedOn('sts')),
          metric('failedAudit', 'Failed', stage, failedOn('audit')),
          { Id: 'failed', Expression: 'FILL(failedSts, 0) + FILL(failedAudit, 0)', ReturnData: false },
          {
            Id: 'failedRate',
            Label: 'Failed issuances (%)',
            Expression: 'IF(failed >= 3, 100 * failed / (failed + FILL(issued, 0)), 0)',
            ReturnData: true,
          },
        ],
        ...actions,
      },
    },
    // The audit trail fails closed (invariant 8): a single failed write means a caller got a
    // 503, or a minted session stays unconfirmed. Every one is worth a look.
    AuditWriteErrorsAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${service}-${stage}-audit-write-errors`,
        AlarmDescription:
          'Audit table writes failing: issuance fails closed (503), INTENT records may stay unconfirmed.',
        Namespace: NAMESPACE,
        MetricName: 'Failed',
        Dimensions: [
          { Name: 'service', Value: SERVICE },
          { Name: 'stage', Value: stage },
          ...failedOn('audit'),
        ],
        Statistic: 'Sum',
        Period: PERIOD_SECONDS,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        ...actions,
      },
    },
  };
};

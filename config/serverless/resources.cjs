// CloudFormation resources: the audit table (one definition, config/audit-table.json, also
// created by the local stack) and, in deployed stages, one least-privilege role per function.
// The STS permissions name exactly the role ARNs of the grants file, read through the same
// zod validation the broker runs at cold start (cli/check-grants.ts --json).
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const table = require('../audit-table.json');
const rateTable = require('../rate-table.json');
const alarms = require('./alarms.cjs');
const { readParams } = require('./params.cjs');
const { SECRET_PARAMS, secretStatements } = require('./secrets.cjs');

const grantsSummary = (serviceDir, grantsFile) =>
  JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', 'cli/check-grants.ts', '--json', grantsFile], {
      cwd: serviceDir,
      encoding: 'utf8',
    }),
  );

const lambdaTrust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

const logStatement = (service, stage, fn) => ({
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  // Scoped to this function's own log group; streams inside it are named by Lambda.
  Resource: {
    'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${service}-${stage}-${fn}:*`,
  },
});

const role = (service, stage, fn, statements) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: lambdaTrust,
    Policies: [
      {
        PolicyName: `${fn}-least-privilege`,
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [logStatement(service, stage, fn), ...statements],
        },
      },
    ],
  },
});

// The digest chain of the audit trail (functions/audit-digest): its role, the signing key
// only that role may sign with, and the evidence bucket only that role may write to and
// nobody may delete from (Object Lock, compliance mode: not even the account root).
function auditEvidence({ params, service, stage, tableArn, auditGate }) {
  const retentionDays = params.evidenceRetentionDays;
  const digestRoleArn = { 'Fn::GetAtt': ['AuditDigestRole', 'Arn'] };
  const bucketArn = { 'Fn::GetAtt': ['AuditEvidenceBucket', 'Arn'] };
  const objectsArn = { 'Fn::Sub': `\${AuditEvidenceBucket.Arn}/*` };
  const byDayIndexArn = { 'Fn::Sub': `\${AuditTable.Arn}/index/byDay` };
  return {
    // Reads each window through byDay, reads and appends digests: PutItem and Query only.
    AuditDigestRole: role(service, stage, 'auditDigest', [
      { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:Query'], Resource: tableArn },
      { Effect: 'Allow', Action: ['dynamodb:Query'], Resource: byDayIndexArn },
      {
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: { 'Fn::Sub': `\${AuditEvidenceBucket.Arn}/windows/*` },
      },
    ]),
    // GET /v1/audit/digests: Query on the table key (the digest partitions), and the audit gate.
    AuditDigestsRole: role(service, stage, 'auditDigests', [
      { Effect: 'Allow', Action: ['dynamodb:Query'], Resource: tableArn },
      ...auditGate,
    ]),
    // GET /v1/audit/public-key: the audit gate only; the key policy grants kms:GetPublicKey.
    AuditPublicKeyRole: role(service, stage, 'auditPublicKey', auditGate),
    // The key policy alone grants use of the key (no IAM policy names it, so no cycle between
    // the roles and the key); the account keeps administration, never kms:Sign.
    AuditDigestKey: {
      Type: 'AWS::KMS::Key',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        Description: `${service}-${stage}: signs the audit digest chain`,
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        KeyPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AccountAdministersTheKey',
              Effect: 'Allow',
              Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root` } },
              Action: [
                'kms:Describe*',
                'kms:List*',
                'kms:GetKeyPolicy',
                'kms:GetPublicKey',
                'kms:PutKeyPolicy',
                'kms:Enable*',
                'kms:Disable*',
                'kms:TagResource',
                'kms:UntagResource',
                'kms:ScheduleKeyDeletion',
                'kms:CancelKeyDeletion',
              ],
              Resource: '*',
            },
            {
              Sid: 'DigestFunctionSigns',
              Effect: 'Allow',
              Principal: { AWS: digestRoleArn },
              Action: ['kms:Sign', 'kms:GetPublicKey'],
              Resource: '*',
            },
            {
              Sid: 'AuditorsReadThePublicKey',
              Effect: 'Allow',
              Principal: { AWS: { 'Fn::GetAtt': ['AuditPublicKeyRole', 'Arn'] } },
              Action: ['kms:GetPublicKey'],
              Resource: '*',
            },
            {
              Sid: 'NobodyElseSigns',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: ['kms:Sign'],
              Resource: '*',
              Condition: { ArnNotEquals: { 'aws:PrincipalArn': digestRoleArn } },
            },
          ],
        },
      },
    },
    AuditEvidenceBucket: {
      Type: 'AWS::S3::Bucket',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: retentionDays } },
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      },
    },
    AuditEvidenceBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: 'AuditEvidenceBucket' },
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'NobodyDeletesEvidence',
              Effect: 'Deny',
              Principal: '*',
              Action: [
                's3:DeleteObject',
                's3:DeleteObjectVersion',
                's3:DeleteBucket',
                's3:PutLifecycleConfiguration',
                's3:PutBucketObjectLockConfiguration',
                's3:PutBucketVersioning',
                's3:PutObjectRetention',
                's3:PutObjectLegalHold',
                's3:BypassGovernanceRetention',
              ],
              Resource: [bucketArn, objectsArn],
            },
            {
              Sid: 'OnlyTheDigestFunctionWrites',
              Effect: 'Deny',
              Principal: '*',
              Action: ['s3:PutObject'],
              Resource: objectsArn,
              Condition: { ArnNotEquals: { 'aws:PrincipalArn': digestRoleArn } },
            },
            {
              Sid: 'TlsOnly',
              Effect: 'Deny',
              Principal: '*',
              Action: ['s3:*'],
              Resource: [bucketArn, objectsArn],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const service = await resolveVariable('self:service');
  const tableName = `${service}-${stage}-audit`;
  const resources = {
    AuditTable: {
      Type: 'AWS::DynamoDB::Table',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { TableName: tableName, ...table },
    },
    // Per-caller issuance counters (config/rate-table.json): short-lived items expired by
    // TTL, apart from the audit table so that one stays append-only.
    RateTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { TableName: `${service}-${stage}-rate`, ...rateTable },
    },
  };
  if (stage === 'local') return { Resources: resources };

  const params = await readParams(resolveVariable, [
    'grantsFile',
    'alarmTopicArn',
    'failedRateAlarmPercent',
    'throttleBurstLimit',
    'throttleRateLimit',
    'evidenceRetentionDays',
    ...SECRET_PARAMS,
  ]);
  const { awsRoleArns } = grantsSummary(path.resolve(__dirname, '../..'), params.grantsFile);
  const tableArn = { 'Fn::GetAtt': ['AuditTable', 'Arn'] };
  // Each index by name: no wildcard even on the table's own indexes.
  const indexArns = table.GlobalSecondaryIndexes.map((index) => ({
    'Fn::Sub': `\${AuditTable.Arn}/index/${index.IndexName}`,
  }));

  // Issuance and the scheduled grant check assume exactly the granted roles, nothing else.
  const assumeGrantedRoles =
    awsRoleArns.length > 0
      ? [
          {
            Effect: 'Allow',
            Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
            Resource: awsRoleArns,
          },
        ]
      : [];

  // Each function's role: its own statements plus read access to exactly its secrets.
  const functionRole = (fn, statements) =>
    role(service, stage, fn, [...statements, ...secretStatements(params, fn)]);
  // The only UpdateItem the broker holds, and on the rate table only.
  const rateCounters = {
    Effect: 'Allow',
    Action: ['dynamodb:UpdateItem'],
    Resource: { 'Fn::GetAtt': ['RateTable', 'Arn'] },
  };
  // The door of every auditors-only route (lib/audit/audit-gate.ts): charges the caller's
  // audit rate and appends AUDIT_DENIED and RATE_LIMITED records.
  const auditGate = [{ Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: tableArn }, rateCounters];

  Object.assign(resources, {
    IssueCredentialsRole: functionRole('issueCredentials', [
      ...assumeGrantedRoles,
      { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: tableArn },
      rateCounters,
    ]),
    HealthRole: functionRole('health', [
      { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: tableArn },
    ]),
    OpenApiRole: functionRole('openapi', []),
    // Reads the trail, behind the audit gate.
    AuditQueryRole: functionRole('auditQuery', [
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: [tableArn, ...indexArns] },
      ...auditGate,
    ]),
    // VERIFY records are appended like every other record: PutItem, never UpdateItem.
    VerifyGrantsRole: functionRole('verifyGrants', [
      ...assumeGrantedRoles,
      { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: tableArn },
    ]),
    // GET /v1/grants reads the newest VERIFY records (Query on the byDecision index only),
    // behind the audit gate; GET /v1/grants/mine charges the caller's requests rate (the
    // gate's rate counter).
    ListGrantsRole: functionRole('listGrants', [
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: { 'Fn::Sub': `\${AuditTable.Arn}/index/byDecision` },
      },
      ...auditGate,
    ]),
  });
  Object.assign(resources, auditEvidence({ params, service, stage, tableArn, auditGate }));
  // Alarms on the EMF metrics, with the alarmTopicArn param as their action (when set).
  Object.assign(resources, await alarms({ params, stage, service }));
  return { Resources: resources, extensions: stageThrottling(params) };
};

// Every route of the HTTP API stage shares one default throttle (API Gateway answers 429
// above it), so a flood is cut before it reaches Lambda, STS quotas or the audit table.
// The per-caller limit (rate table) comes on top of it inside the broker.
const stageThrottling = (params) => ({
  HttpApiStage: {
    Properties: {
      DefaultRouteSettings: {
        ThrottlingBurstLimit: params.throttleBurstLimit,
        ThrottlingRateLimit: params.throttleRateLimit,
      },
    },
  },
});

// Which function reads which secret. Only parameter *names* reach the template and the
// function environment; the functions read the values at run time (lib/config/secrets.ts),
// so no secret value is in a template, a package, serverless state or an env var. IAM
// follows the same table: ssm:GetParameter on exactly those parameter ARNs, for exactly
// those functions, and kms:Decrypt (customer managed key only) through SSM only.

/** The deploy params this module reads (config/serverless/params.cjs). */
const SECRET_PARAMS = [
  'cursorKeyParameter',
  'volcengineFromSsm',
  'volcengineAccessKeyIdParameter',
  'volcengineSecretAccessKeyParameter',
  'volcengineRegion',
  'secretsKmsKeyArn',
];

/** function name → environment with the names of the secrets it reads. */
function secretEnvironment(params) {
  // The broker's Volcengine sub-user key, for the functions that mint (issuance and the grant check).
  const volcengine = params.volcengineFromSsm
    ? {
        BROKER_VOLCENGINE_ACCESS_KEY_ID_PARAMETER: params.volcengineAccessKeyIdParameter,
        BROKER_VOLCENGINE_SECRET_ACCESS_KEY_PARAMETER: params.volcengineSecretAccessKeyParameter,
        BROKER_VOLCENGINE_REGION: params.volcengineRegion,
      }
    : {};
  return {
    issueCredentials: volcengine,
    verifyGrants: volcengine,
    auditQuery: { BROKER_CURSOR_KEY_PARAMETER: params.cursorKeyParameter },
  };
}

const parameterArn = (name) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`,
});

/** IAM statements that let one function read its secrets, and nothing else. */
function secretStatements(params, fn) {
  const names = Object.entries(secretEnvironment(params)[fn] ?? {})
    .filter(([variable]) => variable.endsWith('_PARAMETER'))
    .map(([, name]) => name);
  if (names.length === 0) return [];
  const statements = [{ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: names.map(parameterArn) }];
  // The default key (aws/ssm) already lets the account's principals decrypt through SSM.
  // A customer managed key needs kms:Decrypt, granted only for calls SSM makes on these
  // parameters, so the role cannot decrypt anything with that key directly.
  if (params.secretsKmsKeyArn) {
    statements.push({
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: params.secretsKmsKeyArn,
      Condition: {
        StringEquals: {
          'kms:ViaService': { 'Fn::Sub': `ssm.\${AWS::Region}.amazonaws.com` },
          'kms:EncryptionContext:PARAMETER_ARN': names.map(parameterArn),
        },
      },
    });
  }
  return statements;
}

module.exports = { SECRET_PARAMS, secretEnvironment, secretStatements };

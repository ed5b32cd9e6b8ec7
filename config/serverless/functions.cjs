// Functions and their HTTP routes, per stage. Deployed stages: every route has an
// authorizer (aws_iam, or the JWT authorizer on the /oidc/ twin routes). The local stage
// has none: serverless-offline cannot verify SigV4 or JWTs, so local/functions/* wrap each
// route with our own verifier, and those handlers exist in the local stage only.
const { readParams } = require('./params.cjs');
const { SECRET_PARAMS, secretEnvironment } = require('./secrets.cjs');

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const local = stage === 'local';
  const params = await readParams(resolveVariable, [
    'jwtIssuer',
    'reservedConcurrency',
    'verifyGrantsRate',
    'auditDigestRate',
    ...SECRET_PARAMS,
  ]);
  // The local stack passes the local secret names itself (local/stack.ts).
  const secrets = local ? {} : secretEnvironment(params);
  const root = local ? 'local/functions' : 'functions';
  const jwtIssuer = local ? '' : params.jwtIssuer;

  const routes = (method, path) => {
    const oidcPath = path.replace('/v1/', '/v1/oidc/');
    // Locally both twins exist too; the local verifier accepts SigV4 or a bearer JWT on either.
    if (local) return [{ httpApi: { method, path } }, { httpApi: { method, path: oidcPath } }];
    const events = [{ httpApi: { method, path, authorizer: { type: 'aws_iam' } } }];
    if (jwtIssuer) {
      events.push({
        httpApi: { method, path: path.replace('/v1/', '/v1/oidc/'), authorizer: { name: 'oidc' } },
      });
    }
    return events;
  };

  const fn = (name, roleLogicalId, events, extra = {}) => ({
    handler: `${root}/${name}/handler.handler`,
    // Code split off for lazy loading (custom.esbuild.splitting) lands in chunks/ beside each
    // handler; every function's zip holds its own chunks only.
    package: { patterns: ['!functions/*/chunks/**', `${root}/${name}/chunks/**`] },
    ...(local ? {} : { role: roleLogicalId }),
    events,
    ...extra,
  });

  return {
    issueCredentials: fn('issue-credentials', 'IssueCredentialsRole', routes('POST', '/v1/credentials'), {
      ...(local
        ? {}
        : {
            reservedConcurrency: params.reservedConcurrency,
            environment: secrets.issueCredentials,
          }),
    }),
    health: fn('health', 'HealthRole', routes('GET', '/v1/health')),
    openapi: fn('openapi', 'OpenApiRole', routes('GET', '/v1/openapi.json')),
    auditQuery: fn(
      'audit-query',
      'AuditQueryRole',
      [...routes('GET', '/v1/issuances'), ...routes('GET', '/v1/issuances/{id}')],
      local ? {} : { environment: secrets.auditQuery },
    ),
    // GET /v1/grants (auditors) and GET /v1/grants/mine (any caller's own grants).
    listGrants: fn('list-grants', 'ListGrantsRole', [
      ...routes('GET', '/v1/grants'),
      ...routes('GET', '/v1/grants/mine'),
    ]),
    // Audit evidence for auditors: the digest chain, and the key that verifies it.
    auditDigests: fn('audit-digests', 'AuditDigestsRole', routes('GET', '/v1/audit/digests')),
    auditPublicKey: fn(
      'audit-public-key',
      'AuditPublicKeyRole',
      routes('GET', '/v1/audit/public-key'),
      local ? {} : { environment: { BROKER_DIGEST_KMS_KEY_ID: { Ref: 'AuditDigestKey' } } },
    ),
    // Seals closed windows of the audit trail into the signed digest chain. Locally no
    // schedule: `npm run audit:seal` runs the same sealing code against the local stack.
    // One at a time (reserved concurrency 1): two sealers would race for the same window.
    ...(local
      ? {}
      : {
          auditDigest: fn(
            'audit-digest',
            'AuditDigestRole',
            [{ schedule: { rate: [params.auditDigestRate] } }],
            {
              timeout: 300,
              reservedConcurrency: 1,
              environment: {
                BROKER_DIGEST_KMS_KEY_ID: { Ref: 'AuditDigestKey' },
                BROKER_DIGEST_EXPORT_BUCKET: { Ref: 'AuditEvidenceBucket' },
              },
            },
          ),
        }),
    // The scheduled grant check. Locally no schedule: invoke it on demand (see its local handler).
    verifyGrants: fn(
      'verify-grants',
      'VerifyGrantsRole',
      local ? [] : [{ schedule: { rate: [params.verifyGrantsRate] } }],
      { timeout: 60, ...(local ? {} : { environment: secrets.verifyGrants }) },
    ),
  };
};

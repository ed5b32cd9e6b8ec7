// provider.httpApi.authorizers: the JWT authorizer `oidc` that the /v1/oidc/* twin routes
// name (config/serverless/functions.cjs), declared only when a deployment sets
// --param="jwtIssuer=https://..." (and optionally jwtAudience). API Gateway then checks the
// signature against the issuer's JWKS, iss, aud, exp and nbf before the Lambda runs
// (invariant 3 of docs/security.md); the handler reads the verdict from requestContext.authorizer.jwt.
// Without an issuer there are no /oidc/ routes and no authorizer: IAM (SigV4) only.
module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  if (stage === 'local') return {};
  const issuerUrl = await resolveVariable("param:jwtIssuer, ''");
  if (!issuerUrl) return {};
  if (!/^https:\/\/[^\s]+$/.test(issuerUrl)) {
    throw new Error(`jwtIssuer must be an https URL (API Gateway fetches its JWKS), got ${issuerUrl}`);
  }
  const audience = await resolveVariable("param:jwtAudience, 'credential-broker'");
  return {
    oidc: {
      type: 'jwt',
      identitySource: '$request.header.Authorization',
      issuerUrl,
      audience: String(audience)
        .split(',')
        .map((value) => value.trim())
        .filter(Boolean),
    },
  };
};

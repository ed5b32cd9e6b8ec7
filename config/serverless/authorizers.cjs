// provider.httpApi.authorizers: the JWT authorizer `oidc` that the /v1/oidc/* twin routes
// name (config/serverless/functions.cjs), declared only when a deployment sets
// --param="jwtIssuer=https://..." and --param="jwtAudience=...". API Gateway then checks the
// signature against the issuer's JWKS, iss, aud, exp and nbf before the Lambda runs; the
// handler reads the verdict from requestContext.authorizer.jwt.
// The audience has no default: with a multi-tenant issuer (GitHub Actions' OIDC, say) every
// token minted for a guessable audience would pass. Without an issuer there are no /oidc/
// routes and no authorizer: IAM (SigV4) only.
const { paramError, readParams } = require('./params.cjs');

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  if (stage === 'local') return {};
  const { jwtIssuer: issuerUrl, jwtAudience } = await readParams(resolveVariable, [
    'jwtIssuer',
    'jwtAudience',
  ]);
  if (!issuerUrl) return {};
  if (!/^https:\/\/[^\s]+$/.test(issuerUrl)) {
    throw paramError(`jwtIssuer must be an https URL (API Gateway fetches its JWKS), got ${issuerUrl}`);
  }
  const audience = jwtAudience
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  if (audience.length === 0) {
    throw paramError(
      'jwtIssuer is set, so --param="jwtAudience=<audience>" is required too: the audience your callers ' +
        'request for this broker (for GitHub Actions, the `audience` of core.getIDToken). There is no default.',
    );
  }
  return {
    oidc: {
      type: 'jwt',
      identitySource: '$request.header.Authorization',
      issuerUrl,
      audience,
    },
  };
};

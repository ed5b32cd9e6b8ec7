/**
 * The client library: `fromCredentialBroker` (an AWS SDK credential provider), the API
 * client every command uses, the credential formats and the error type. Inside the
 * repository it runs as TypeScript; the installable package (client/) ships it built.
 */
export {
  type AuditListQuery,
  type AuditPage,
  type BrokerApi,
  type BrokerApiOptions,
  type DryRunDecision,
  type GrantSelector,
  type GrantsList,
  type HealthReport,
  type IssuanceHistory,
  type IssuedCredentials,
  type IssueInput,
  type MyGrantsList,
  makeBrokerApi,
  type RetryAnnouncement,
} from './broker-api.js';
export { brokerBaseUrl, EndpointError, isLoopbackHost } from './endpoint.js';
export {
  assertCredentialProcessProvider,
  CREDENTIAL_FORMATS,
  type CredentialsFormat,
  credentialProcessJson,
  envFile,
  envVariables,
  formatCredentials,
  type SessionCredentials,
  shellExports,
  UnsupportedFormatError,
} from './formats.js';
export { BrokerClientError, type BrokerProblem } from './problem.js';
export {
  type BrokerCredentialIdentity,
  type BrokerCredentialProvider,
  DEFAULT_REFRESH_WINDOW_MS,
  type FromCredentialBrokerOptions,
  fromCredentialBroker,
} from './provider.js';
export { putRolePolicyCommand, revokePolicy } from './revoke-policy.js';
export { type BrokerCredentials, signedFetch, signRequest } from './signed-fetch.js';
export { credentialsSigner, defaultChainSigner, type RequestSigner } from './signer.js';

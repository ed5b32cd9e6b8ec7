/**
 * Package entry `credential-broker/client`. TypeScript source, run through tsx (or a
 * bundler that compiles TS); the package ships no compiled JavaScript.
 */
export {
  type BrokerApi,
  type BrokerApiOptions,
  type GrantSelector,
  type IssuedCredentials,
  type IssueInput,
  makeBrokerApi,
} from './broker-api.js';
export {
  CREDENTIAL_FORMATS,
  type CredentialsFormat,
  credentialProcessJson,
  envFile,
  formatCredentials,
  type SessionCredentials,
  shellExports,
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

/**
 * Every route of the broker's HTTP API, as contracts: the OpenAPI document lists exactly
 * these, and a route that is not here is not part of the API.
 */
import { getPublicKeyContract, listDigestsContract } from './audit-evidence.js';
import { getIssuanceContract } from './get-issuance.js';
import { healthContract } from './health.js';
import { issueCredentialsContract } from './issue-credentials.js';
import { listGrantsContract } from './list-grants.js';
import { listIssuancesContract } from './list-issuances.js';
import { listMyGrantsContract } from './list-my-grants.js';
import { openApiContract } from './openapi.js';
import type { RouteContract } from './route.js';

export const ROUTE_CONTRACTS: readonly RouteContract[] = [
  issueCredentialsContract,
  healthContract,
  listGrantsContract,
  listMyGrantsContract,
  openApiContract,
  listIssuancesContract,
  getIssuanceContract,
  listDigestsContract,
  getPublicKeyContract,
];

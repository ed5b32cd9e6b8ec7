/**
 * The providers the broker mints for, and their documented limits (defined with the other
 * shared limits in lib/contracts/limits.ts). The issuer port every provider implements is
 * declared with the other ports, in lib/issuance/ports.ts.
 */
export { PROVIDER_DURATION_LIMITS, type ProviderName } from '../contracts/limits.js';

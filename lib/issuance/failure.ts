/**
 * What a FAILED (issuance) or failed VERIFY (scheduled check) record says about a mint
 * that did not succeed: the error code as the reason, and the provider's own words as the
 * detail, for auditors only (never in the response).
 */
import { BrokerError } from '../errors.js';

/** Reason of a failure that is not a BrokerError (an adapter bug): never a provider code. */
export const UNEXPECTED_ISSUER_ERROR = 'issuer_error';

const MAX_DETAIL = 1000;

export function failureFields(error: unknown): { reason: string; detail: string | undefined } {
  if (error instanceof BrokerError) {
    return { reason: error.code, detail: error.internalReason?.slice(0, MAX_DETAIL) };
  }
  // The error name only: the message of an unexpected error may hold request parameters.
  return {
    reason: UNEXPECTED_ISSUER_ERROR,
    detail: (error instanceof Error ? error.name : 'unknown').slice(0, MAX_DETAIL),
  };
}

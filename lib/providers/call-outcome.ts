/**
 * Whether a failed provider call may still have minted a session. An STS call that was sent
 * and then timed out, was aborted or lost its connection has an outcome nobody can know:
 * the session may exist. Such an issuance is recorded as UNKNOWN (auditors list it with the
 * unconfirmed ones), never as FAILED. Only two things prove the outcome: the provider
 * answered (its answer is the outcome), or the request never left this process.
 */

/** Network errors raised before a connection existed: the request was never sent. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** SDK errors raised before anything is sent (no credentials to sign with). */
const NEVER_SENT_NAMES = new Set(['CredentialsProviderError']);

export function mayHaveMinted(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (answeredStatus(error) !== undefined) return false;
  if (NEVER_SENT_NAMES.has(error.name)) return false;
  return !NEVER_SENT_CODES.has(errorCode(error) ?? '');
}

/** The HTTP status the AWS SDK attaches when the service answered. */
function answeredStatus(error: Error): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/** Node puts the socket error code on the error or (fetch) on its cause. */
function errorCode(error: Error): string | undefined {
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/**
 * STS error responses as real STS sends them: an HTTP status, a Query-protocol error code
 * (the SDK maps it to an exception class by name) and a message worded like AWS's own.
 */
export class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}

export const validationError = (message: string) => new StsError(400, 'ValidationError', message);

/** AWS joins every syntax violation of one request into a single ValidationError. */
export const validationErrors = (violations: string[]) =>
  validationError(
    `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ${violations.join('; ')}`,
  );

// Unknown role, untrusted caller and wrong ExternalId look the same on purpose: STS does
// not tell a caller which roles exist or what their trust policy says.
export const accessDenied = (principalArn: string, roleArn: string) =>
  new StsError(
    403,
    'AccessDenied',
    `User: ${principalArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
  );

export const signatureDoesNotMatch = (detail?: string) =>
  new StsError(
    403,
    'SignatureDoesNotMatch',
    detail ??
      'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );

export const invalidClientTokenId = () =>
  new StsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');

export const expiredToken = () =>
  new StsError(400, 'ExpiredTokenException', 'The security token included in the request is expired');

export const malformedPolicy = (detail: string) => new StsError(400, 'MalformedPolicyDocument', detail);

export const packedPolicyTooLarge = (percent: number) =>
  new StsError(
    400,
    'PackedPolicyTooLarge',
    `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`,
  );

export const throttling = () => new StsError(400, 'Throttling', 'Rate exceeded');

export const regionDisabled = (account: string) =>
  new StsError(
    403,
    'RegionDisabledException',
    `STS is not activated in this region for account:${account}. ` +
      'Your account administrator can activate STS in this region using the IAM Console.',
  );

export const internalFailure = () => new StsError(500, 'InternalFailure', 'An internal error occurred.');

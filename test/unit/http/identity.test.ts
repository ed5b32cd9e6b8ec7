import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrokerError } from '../../../lib/errors.js';
import { callerFromRequestContext } from '../../../lib/http/identity.js';
import { CALLER_ASSUMED_ROLE_ARN as ASSUMED, recordedEvent } from '../../support/lambda.js';

/** The recorded IAM request context with its authorizer block replaced (`undefined`: removed). */
function contextWith(authorizer: unknown, extra: object = {}): { authorizer?: unknown } {
  const { authorizer: _recorded, ...context } = recordedEvent('iam').requestContext;
  return { ...context, ...extra, ...(authorizer === undefined ? {} : { authorizer }) };
}

describe('callerFromRequestContext (invariant 1)', () => {
  it('reads an IAM caller from the authorizer block', () => {
    // Prepare
    const { requestContext } = recordedEvent('iam');
    // Act
    const caller = callerFromRequestContext(requestContext);
    // Assess
    assert.equal(caller.key, 'aws:111111111111:role/reporting-service');
    assert.equal(caller.kind === 'aws' ? caller.principalArn : '', ASSUMED);
  });

  it('reads a JWT caller from the verified claims', () => {
    // Prepare
    const { requestContext } = recordedEvent('jwt');
    // Act
    const caller = callerFromRequestContext(requestContext);
    // Assess
    assert.equal(caller.key, 'oidc:https://issuer.example.com#rotation-job');
  });

  for (const [label, requestContext] of [
    ['no request context', undefined],
    ['no authorizer', contextWith(undefined)],
    ['an empty authorizer', contextWith({})],
    ['a null authorizer', contextWith(null)],
    ['an empty userArn', contextWith({ iam: { userArn: '' } })],
    [
      'a userArn that is not a string',
      contextWith({ iam: { userArn: ['arn:aws:iam::111111111111:role/x'] } }),
    ],
    ['the account root', contextWith({ iam: { userArn: 'arn:aws:iam::111111111111:root' } })],
    ['a federated user', contextWith({ iam: { userArn: 'arn:aws:sts::111111111111:federated-user/bob' } })],
    ['a JWT without subject', contextWith({ jwt: { claims: { iss: 'https://issuer.example.com' } } })],
    ['a JWT with an empty issuer', contextWith({ jwt: { claims: { iss: '', sub: 'x' } } })],
    ['a custom Lambda authorizer context', contextWith({ lambda: { caller: ASSUMED } })],
    [
      'a caller-looking field beside the authorizer',
      contextWith(undefined, { caller: ASSUMED, identity: { userArn: ASSUMED } }),
    ],
  ] as const) {
    it(`answers 401, never a default caller, for ${label}`, () => {
      // Prepare / Act
      const read = () => callerFromRequestContext(requestContext);
      // Assess
      assert.throws(read, (error: unknown) => {
        assert.ok(error instanceof BrokerError);
        assert.equal(error.status, 401);
        assert.equal(error.code, 'unauthenticated');
        assert.doesNotMatch(error.message, /arn:/);
        return true;
      });
    });
  }

  it('tells the log which check refused: no authorizer identity, or a principal that is no caller', () => {
    // Prepare
    const reasonOf = (requestContext: Parameters<typeof callerFromRequestContext>[0]) => {
      try {
        callerFromRequestContext(requestContext);
        return 'accepted';
      } catch (error) {
        return error instanceof BrokerError ? error.internalReason : String(error);
      }
    };
    // Act
    const missing = reasonOf(contextWith({}));
    const root = reasonOf(contextWith({ iam: { userArn: 'arn:aws:iam::111111111111:root' } }));
    // Assess
    assert.equal(missing, 'no authorizer identity in requestContext');
    assert.equal(root, 'authorizer principal is not a role, user or assumed-role ARN');
  });
});

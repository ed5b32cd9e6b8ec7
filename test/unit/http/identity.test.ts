import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrokerError } from '../../../lib/errors.js';
import { callerFromRequestContext } from '../../../lib/http/identity.js';

const ASSUMED = 'arn:aws:sts::111111111111:assumed-role/reporting-service/i-0abc123';
/** Any object may arrive as a request context; widening keeps the odd shapes below typed. */
const contextOf = (value: object): { authorizer?: unknown } => value;

describe('callerFromRequestContext (invariant 1)', () => {
  it('reads an IAM caller from the authorizer block', () => {
    // Prepare
    const requestContext = { authorizer: { iam: { userArn: ASSUMED, accountId: '111111111111' } } };
    // Act
    const caller = callerFromRequestContext(requestContext);
    // Assess
    assert.equal(caller.key, 'aws:111111111111:role/reporting-service');
    assert.equal(caller.kind === 'aws' ? caller.principalArn : '', ASSUMED);
  });

  it('reads a JWT caller from the verified claims', () => {
    // Prepare
    const requestContext = {
      authorizer: { jwt: { claims: { iss: 'https://issuer.example.com', sub: 'rotation-job' }, scopes: [] } },
    };
    // Act
    const caller = callerFromRequestContext(requestContext);
    // Assess
    assert.equal(caller.key, 'oidc:https://issuer.example.com#rotation-job');
  });

  for (const [label, requestContext] of [
    ['no request context', undefined],
    ['no authorizer', {}],
    ['an empty authorizer', { authorizer: {} }],
    ['a null authorizer', { authorizer: null }],
    ['an empty userArn', { authorizer: { iam: { userArn: '' } } }],
    [
      'a userArn that is not a string',
      { authorizer: { iam: { userArn: ['arn:aws:iam::111111111111:role/x'] } } },
    ],
    ['the account root', { authorizer: { iam: { userArn: 'arn:aws:iam::111111111111:root' } } }],
    [
      'a federated user',
      { authorizer: { iam: { userArn: 'arn:aws:sts::111111111111:federated-user/bob' } } },
    ],
    ['a JWT without subject', { authorizer: { jwt: { claims: { iss: 'https://issuer.example.com' } } } }],
    ['a JWT with an empty issuer', { authorizer: { jwt: { claims: { iss: '', sub: 'x' } } } }],
    ['a custom Lambda authorizer context', { authorizer: { lambda: { caller: ASSUMED } } }],
    ['a caller-looking field beside the authorizer', { caller: ASSUMED, identity: { userArn: ASSUMED } }],
  ] as const) {
    it(`answers 401, never a default caller, for ${label}`, () => {
      // Prepare / Act
      const read = () => callerFromRequestContext(requestContext && contextOf(requestContext));
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
});

/**
 * A provider call that was sent and got no answer may have minted a session (UNKNOWN);
 * only an answer from the provider, or a request that never left, settles the outcome.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mayHaveMinted } from '../../../lib/providers/call-outcome.js';

const withCode = (name: string, code: string) => Object.assign(new Error(`${name} ${code}`), { name, code });
const answered = (name: string, httpStatusCode: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });

describe('mayHaveMinted', () => {
  it('is true for a timeout, an abort and a connection cut after sending', () => {
    // Prepare
    const errors = [
      Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }),
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      withCode('Error', 'ECONNRESET'),
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      }),
      'not even an Error',
    ];
    // Act / Assess
    for (const error of errors) assert.equal(mayHaveMinted(error), true, String(error));
  });

  it('is false when the provider answered, or when nothing was sent', () => {
    // Prepare
    const errors = [
      answered('Throttling', 400),
      answered('InternalFailure', 500),
      withCode('Error', 'ECONNREFUSED'),
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }),
      }),
      Object.assign(new Error('no credentials'), { name: 'CredentialsProviderError' }),
    ];
    // Act / Assess
    for (const error of errors) assert.equal(mayHaveMinted(error), false, String(error));
  });
});

/**
 * The digest function's KMS and S3 calls get their timeout as every other outgoing call does
 * (withTimeout): the call is aborted once its time is up, and its timer ends with the call,
 * so a signal whose call has answered is never aborted afterwards.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import { payloadText, SIGNING_ALGORITHM } from '../../../../lib/audit/digest/digest.js';
import { makeKmsSigner } from '../../../../lib/audit/digest/kms-signer.js';
import { makeS3EvidenceExport } from '../../../../lib/audit/digest/s3-evidence-export.js';

const TIMEOUT_MS = 20;

/** A stand-in SDK client: answers `output` at once, or never (until its signal aborts). */
function fakeClient(output: object | 'hang') {
  const signals: AbortSignal[] = [];
  const send = (_command: unknown, options: { abortSignal: AbortSignal }) => {
    signals.push(options.abortSignal);
    if (output !== 'hang') return Promise.resolve(output);
    return new Promise((_resolve, reject) => {
      options.abortSignal.addEventListener('abort', () => reject(options.abortSignal.reason));
    });
  };
  return { send, signals };
}

const kmsSigner = (client: ReturnType<typeof fakeClient>) =>
  makeKmsSigner({ client: client as unknown as KMSClient, keyId: 'alias/digest', timeoutMs: TIMEOUT_MS });
const evidenceExport = (client: ReturnType<typeof fakeClient>) =>
  makeS3EvidenceExport({ client: client as unknown as S3Client, bucket: 'evidence', timeoutMs: TIMEOUT_MS });

const calls = [
  ['KMS Sign', (client: ReturnType<typeof fakeClient>) => kmsSigner(client).sign(new Uint8Array([1]))],
  ['S3 PutObject', (client: ReturnType<typeof fakeClient>) => evidenceExport(client).put(digestOf(), [])],
] as const;

function digestOf() {
  const payload = payloadText({
    version: 1,
    windowStart: '2026-01-01T00:00:00.000Z',
    windowEnd: '2026-01-01T01:00:00.000Z',
    recordCount: 0,
    leavesSha256: '0'.repeat(64),
    previousDigestSha256: null,
    emptySince: null,
    sealedAt: '2026-01-01T01:05:00.000Z',
    keyId: 'alias/digest',
    signingAlgorithm: SIGNING_ALGORITHM,
  });
  return { payload, signature: 'c2lnbmF0dXJl', leaves: [] };
}

describe('digest function calls to KMS and S3: one timer per call, cleared when it answers', () => {
  for (const [name, call] of calls) {
    it(`${name}: a call that answered keeps its signal unaborted past the timeout`, async () => {
      // Prepare
      const client = fakeClient({ Signature: new Uint8Array([7]) });
      // Act
      await call(client);
      await sleep(TIMEOUT_MS * 3);
      // Assess
      assert.equal(client.signals.length, 1);
      assert.equal(client.signals[0]?.aborted, false);
    });

    it(`${name}: a call with no answer is aborted after its timeout, as a TimeoutError`, async () => {
      // Prepare
      const client = fakeClient('hang');
      // Act / Assess (the call's timer is unref'd: the sleep keeps the test's event loop alive)
      await Promise.all([assert.rejects(call(client), { name: 'TimeoutError' }), sleep(TIMEOUT_MS * 3)]);
      assert.equal(client.signals[0]?.aborted, true);
    });
  }
});

#!/usr/bin/env node
// Verifies exported audit evidence (one JSON Lines file per sealed window) with nothing but
// Node's crypto: no broker, no AWS SDK, no dependency.
//   node verify-evidence.mjs public-key.pem windows/*.jsonl
// public-key.pem: GET /v1/audit/public-key (field `pem`), or `aws kms get-public-key`.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [keyFile, ...files] = process.argv.slice(2);
const key = createPublicKey(readFileSync(keyFile, 'utf8'));
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
let failures = 0;
const fail = (file, message) => {
  failures += 1;
  console.log(`FAIL ${file}: ${message}`);
};

const windows = files.map((file) => {
  const [head, ...records] = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const { payload, signature } = JSON.parse(head);
  return { file, text: payload, digest: JSON.parse(payload), signature, records };
});
windows.sort((a, b) => (a.digest.windowStart < b.digest.windowStart ? -1 : 1));

windows.forEach(({ file, text, digest, signature, records }, n) => {
  // 1. The digest is signed by the broker's key (ECDSA P-256, SHA-256, DER signature).
  const signed = verify(
    'sha256',
    Buffer.from(text, 'utf8'),
    { key, dsaEncoding: 'der' },
    Buffer.from(signature, 'base64'),
  );
  if (!signed) fail(file, 'the signature does not verify');
  // 2. The records are exactly the sealed ones: "{issuanceId}/{decision} {sha256 of the line}", sorted.
  const leaves = records
    .map((line) => {
      const record = JSON.parse(line);
      return `${record.issuanceId}/${record.decision} ${sha256(line)}`;
    })
    .sort();
  if (leaves.length !== digest.recordCount)
    fail(file, `${leaves.length} records, the digest sealed ${digest.recordCount}`);
  if (sha256(leaves.map((leaf) => `${leaf}\n`).join('')) !== digest.leavesSha256)
    fail(file, 'records differ from the sealed ones');
  // 3. The chain: each digest names the previous one's hash and starts where it ended.
  const previous = windows[n - 1];
  if (previous && digest.previousDigestSha256 !== sha256(previous.text))
    fail(file, 'not chained to the previous file');
  if (previous && digest.windowStart !== previous.digest.windowEnd)
    fail(file, `gap after ${previous.digest.windowEnd}`);
  if (signed)
    console.log(`ok   ${file}: ${digest.windowStart} – ${digest.windowEnd}, ${digest.recordCount} records`);
});
console.log(failures === 0 ? `${windows.length} windows verified` : `${failures} problems`);
process.exit(failures === 0 ? 0 : 1);

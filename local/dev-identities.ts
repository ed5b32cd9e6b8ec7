/**
 * Loader of local/dev-identities.json: DEV-ONLY fake keys of local callers and of the broker,
 * accepted by nothing but the local emulators and the local-stage SigV4 verifier.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import type { SigningIdentity } from './auth/sigv4-verifier.js';

const devIdentitySchema = z.strictObject({
  // AWS ARNs for SigV4 callers, Volcengine TRNs for the Volcengine emulator.
  principalArn: z.string().regex(/^(arn|trn):[^\s]+$/),
  accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/),
  secretAccessKey: z.string().min(16).max(128),
  note: z.string().optional(),
});

const devIdentitiesSchema = z.array(devIdentitySchema).superRefine((identities, context) => {
  const seen = new Set<string>();
  identities.forEach((identity, index) => {
    // Two principals sharing a key would make the signer's identity ambiguous.
    if (seen.has(identity.accessKeyId)) {
      context.addIssue({ code: 'custom', path: [index, 'accessKeyId'], message: 'duplicate accessKeyId' });
    }
    seen.add(identity.accessKeyId);
  });
});

export type DevIdentity = z.infer<typeof devIdentitySchema> & SigningIdentity;

export function parseDevIdentities(document: unknown, source = 'dev identities'): DevIdentity[] {
  const parsed = devIdentitiesSchema.safeParse(document);
  if (!parsed.success) throw new Error(`${source} is invalid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Reads and validates the file; throws with every problem listed (never echoing a secret). */
export function loadDevIdentities(file: string): DevIdentity[] {
  return parseDevIdentities(JSON.parse(readFileSync(file, 'utf8')), file);
}

export function devIdentityFor(identities: readonly DevIdentity[], principalArn: string): DevIdentity {
  const identity = identities.find((candidate) => candidate.principalArn === principalArn);
  if (identity === undefined) throw new Error(`no dev identity for ${principalArn}`);
  return identity;
}

/**
 * Temporary credentials issued by the emulator. They are accepted back (GetCallerIdentity,
 * chained AssumeRole) until they expire, exactly like STS session credentials.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { SigningIdentity } from '../auth/sigv4-verifier.js';
import { assumedRoleArn, roleId } from './principals.js';

export interface IssuedSession extends SigningIdentity {
  sessionToken: string;
  roleArn: string;
  assumedRoleId: string;
  expiration: Date;
  sourceIdentity?: string;
}

export interface SessionStore {
  issue(request: {
    roleArn: string;
    sessionName: string;
    durationSeconds: number;
    now: Date;
    sourceIdentity?: string;
  }): IssuedSession;
  find(accessKeyId: string): IssuedSession | undefined;
  /** Every secret and token ever issued, so tests can prove none of them reached a log. */
  secrets(): string[];
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `ASIA` + 16 upper-case letters and digits: the shape of a real temporary access key id. */
function temporaryAccessKeyId(): string {
  let id = 'ASIA';
  for (let i = 0; i < 16; i++) id += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return id;
}

export function makeSessionStore(): SessionStore {
  const sessions = new Map<string, IssuedSession>();
  return {
    issue({ roleArn, sessionName, durationSeconds, now, sourceIdentity }) {
      const principalArn = assumedRoleArn(roleArn, sessionName);
      const session: IssuedSession = {
        principalArn,
        accessKeyId: temporaryAccessKeyId(),
        // 30 random bytes are exactly 40 base64 characters, the length of a real secret key.
        secretAccessKey: randomBytes(30).toString('base64'),
        // Real tokens are opaque base64 blobs of several hundred characters.
        sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(384).toString('base64')}`,
        roleArn,
        assumedRoleId: `${roleId(roleArn)}:${sessionName}`,
        // STS reports expirations in whole seconds.
        expiration: new Date(Math.floor(now.getTime() / 1000) * 1000 + durationSeconds * 1000),
      };
      if (sourceIdentity !== undefined) session.sourceIdentity = sourceIdentity;
      sessions.set(session.accessKeyId, session);
      return session;
    },
    find: (accessKeyId) => sessions.get(accessKeyId),
    secrets: () =>
      [...sessions.values()].flatMap((session) => [session.secretAccessKey, session.sessionToken]),
  };
}

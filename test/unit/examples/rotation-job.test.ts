import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { onceFailureExit, rotateIfDue } from '../../../examples/rotation-job/rotate.js';
import { writeSecretFile } from '../../../examples/rotation-job/secret-file.js';
import type { IssuedCredentials } from '../../../lib/client/broker-api.js';
import { BrokerClientError } from '../../../lib/client/problem.js';

const SECRET = 'wJalrXUtnFEMI/ROTATIONzzSECRET';
const NOW = new Date('2025-01-01T00:00:00.000Z');
const dir = mkdtempSync(join(tmpdir(), 'rotation-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fakeProvider(expiresInMinutes: number) {
  let calls = 0;
  const provider = async (): Promise<IssuedCredentials> => {
    calls += 1;
    return {
      issuanceId: `01ROTATION${calls}`,
      grant: 'doris-vault-rotation',
      provider: 'aws',
      roleArn: 'arn:aws:iam::222222222222:role/doris-vault',
      assumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/doris-vault/rotation-job.x',
      durationSeconds: 3600,
      credentials: {
        accessKeyId: `ASIAROTATION${String(calls).padStart(8, '0')}`,
        secretAccessKey: SECRET,
        sessionToken: 'FwoGZXIvROTATIONzzTOKEN',
        expiration: new Date(NOW.getTime() + expiresInMinutes * 60_000),
      },
    };
  };
  return { provider, calls: () => calls };
}

describe('rotation job', () => {
  it('writes the env file 0600 through a temp file, leaving no temp behind', async () => {
    // Prepare
    const target = join(dir, 'vault.env');
    writeFileSync(target, 'OLD=1\n', { mode: 0o644 });
    // Act
    await writeSecretFile(target, 'NEW=2\n');
    // Assess
    assert.equal(readFileSync(target, 'utf8'), 'NEW=2\n');
    assert.equal(statSync(target).mode & 0o777, 0o600);
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });

  it('rotates a missing file, then skips while the written credentials are outside the window', async () => {
    // Prepare
    const target = join(dir, 'service.env');
    const fake = fakeProvider(60);
    const lines: string[] = [];
    const options = {
      target,
      issue: fake.provider,
      refreshWindowMs: 10 * 60_000,
      now: () => NOW,
      log: (event: string, fields: Record<string, unknown>) =>
        lines.push(JSON.stringify({ event, ...fields })),
    };
    // Act
    const first = await rotateIfDue(options);
    const second = await rotateIfDue(options);
    // Assess
    assert.equal(fake.calls(), 1);
    assert.equal(first.toISOString(), '2025-01-01T01:00:00.000Z');
    assert.equal(second.toISOString(), first.toISOString());
    assert.match(readFileSync(target, 'utf8'), /^AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\/ROTATIONzzSECRET$/m);
    assert.deepEqual(
      lines.map((line) => JSON.parse(line).event),
      ['credentials rotated', 'rotation not due'],
    );
    assert.ok(
      lines.every((line) => !line.includes('ROTATIONzz')),
      'no secret in the logs',
    );
  });

  it('rotates again once the written credentials are inside the refresh window', async () => {
    // Prepare
    const target = join(dir, 'short.env');
    const fake = fakeProvider(5);
    const options = {
      target,
      issue: fake.provider,
      refreshWindowMs: 10 * 60_000,
      now: () => NOW,
      log: () => {},
    };
    await rotateIfDue(options);
    // Act
    await rotateIfDue(options);
    // Assess
    assert.equal(fake.calls(), 2);
    assert.match(readFileSync(target, 'utf8'), /^AWS_ACCESS_KEY_ID=ASIAROTATION00000002$/m);
  });

  it('exits 3 (retry next run) only while the file holds valid credentials, else 2', async () => {
    // Prepare
    const valid = join(dir, 'valid.env');
    const expired = join(dir, 'expired.env');
    writeFileSync(valid, `AWS_CREDENTIAL_EXPIRATION=${new Date(Date.now() + 3_600_000).toISOString()}\n`);
    writeFileSync(expired, `AWS_CREDENTIAL_EXPIRATION=${new Date(Date.now() - 1_000).toISOString()}\n`);
    const unavailable = new BrokerClientError({ status: 503, code: 'dependency_unavailable', title: 'x' });
    const refused = new BrokerClientError({ status: 403, code: 'not_allowed', title: 'x' });
    // Act
    const codes = [
      await onceFailureExit(unavailable, valid),
      await onceFailureExit(unavailable, expired),
      await onceFailureExit(unavailable, join(dir, 'missing.env')),
      await onceFailureExit(refused, valid),
      await onceFailureExit(new Error('no AWS credentials to sign with'), valid),
    ];
    // Assess
    assert.deepEqual(codes, [3, 2, 2, 2, 2]);
  });
});

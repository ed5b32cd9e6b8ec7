/**
 * Writes a secret file so that a reader never sees a partial or world-readable file: the
 * content goes to a new temp file created 0600 in the same directory (rename is atomic
 * only within one filesystem), is flushed to disk, then renamed over the target.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeSecretFile(target: string, content: string): Promise<void> {
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': fail rather than follow a planted file or symlink at the temp name.
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The expiration a previous run wrote (AWS_ or BROKER_CREDENTIAL_EXPIRATION), if the file is there. */
export async function writtenExpiration(target: string): Promise<Date | undefined> {
  let text: string;
  try {
    text = await readFile(target, 'utf8');
  } catch {
    return undefined;
  }
  const line = /^(?:AWS|BROKER)_CREDENTIAL_EXPIRATION=(.+)$/m.exec(text)?.[1];
  const at = line === undefined ? Number.NaN : Date.parse(line);
  return Number.isNaN(at) ? undefined : new Date(at);
}

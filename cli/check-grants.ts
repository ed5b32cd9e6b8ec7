/**
 * `npm run check:grants -- <file>...`: validates each grants file given, exactly as the
 * broker does at cold start, printing each problem with its line and path; exits 1 when
 * any file fails. `--json` (one file) prints a summary used at package time to scope the
 * broker's IAM permissions to the granted roles. `--compile <out.json>` (one file) also
 * writes the compiled form the functions read (lib/config/grants-file.ts).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { compileGrants, GrantsFileError, loadGrants } from '../lib/config/grants.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: 'boolean' }, compile: { type: 'string' } },
});
const files = positionals.length > 0 ? positionals : ['local/grants.yaml'];

if ((values.json || values.compile !== undefined) && files.length !== 1) {
  console.error(`--${values.json ? 'json' : 'compile'} takes exactly one grants file`);
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  try {
    const grants = loadGrants(file);
    if (values.compile !== undefined) {
      // Written aside, then renamed: concurrent packagings of one file never read half of it.
      mkdirSync(dirname(values.compile), { recursive: true });
      writeFileSync(`${values.compile}.${process.pid}`, compileGrants(file));
      renameSync(`${values.compile}.${process.pid}`, values.compile);
    }
    if (values.json) {
      const awsRoleArns = [
        ...new Set(grants.grants.flatMap((g) => (g.provider === 'aws' ? [g.roleArn] : []))),
      ].sort();
      process.stdout.write(`${JSON.stringify({ grants: grants.grants.length, awsRoleArns })}\n`);
    } else {
      console.log(`${file}: ok (${grants.grants.length} grants, ${grants.auditors.length} auditors)`);
    }
  } catch (error) {
    failed += 1;
    if (error instanceof GrantsFileError) console.error(error.message);
    else console.error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
if (failed > 0) process.exit(1);

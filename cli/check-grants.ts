/**
 * `npm run check:grants -- <file>...`: validates each grants file given, exactly as the
 * broker does at cold start, printing each problem with its line and path; exits 1 when
 * any file fails. `--json` (one file) prints a summary used at package time to scope the
 * broker's IAM permissions to the granted roles.
 */
import { parseArgs } from 'node:util';
import { GrantsFileError, loadGrants } from '../lib/config/grants.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean' } } });
const files = positionals.length > 0 ? positionals : ['local/grants.yaml'];

if (values.json && files.length !== 1) {
  console.error('--json takes exactly one grants file');
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  try {
    const grants = loadGrants(file);
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

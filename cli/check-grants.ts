/**
 * `npm run check:grants -- <file>`: validates a grants file exactly as the broker does at
 * cold start, printing each problem with its line and path. `--json` prints a summary
 * used at package time to scope the broker's IAM permissions to the granted roles.
 */
import { GrantsFileError, loadGrants } from '../lib/config/grants.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const file = args.find((arg) => !arg.startsWith('--')) ?? 'local/grants.yaml';

try {
  const grants = loadGrants(file);
  const awsRoleArns = [
    ...new Set(grants.grants.flatMap((g) => (g.provider === 'aws' ? [g.roleArn] : []))),
  ].sort();
  if (json) {
    process.stdout.write(`${JSON.stringify({ grants: grants.grants.length, awsRoleArns })}\n`);
  } else {
    console.log(`${file}: ok (${grants.grants.length} grants, ${grants.auditors.length} auditors)`);
  }
} catch (error) {
  if (error instanceof GrantsFileError) {
    console.error(error.message);
    process.exit(1);
  }
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`${file}: ${reason}`);
  process.exit(1);
}

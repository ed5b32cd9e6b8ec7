/**
 * `npm run bench`: every bench/*.ts, one after the other (they measure time, so never in
 * parallel), each in its own process as `npx tsx bench/<name>.ts` would run it. Fails when
 * one fails, after running the rest; prints how long each took (the suite must stay < 10 min).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const only = process.argv.slice(2);
const benches = readdirSync('bench')
  .filter((file) => file.endsWith('.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();
const timings: string[] = [];
let failed = 0;
const suiteStarted = performance.now();
for (const bench of benches) {
  console.log(`\n=== npx tsx bench/${bench}`);
  const started = performance.now();
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', `bench/${bench}`], { stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  timings.push(`${bench} ${seconds} s${status === 0 ? '' : ' FAILED'}`);
  if (status !== 0) failed += 1;
}
console.log(
  `\n${timings.join('\n')}\nall benches: ${((performance.now() - suiteStarted) / 1000).toFixed(0)} s`,
);
process.exit(failed > 0 ? 1 : 0);

// Entry of the built `broker` command (dist/broker.mjs and the single executable).
import { main } from '../cli/broker.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`broker: ${error instanceof Error ? error.message : String(error)} (internal)\n`);
    process.exitCode = 3;
  },
);

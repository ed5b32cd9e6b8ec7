#!/usr/bin/env node
// The `broker` executable: registers tsx so the TypeScript CLI runs as is (no build step),
// then hands over to cli/broker.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/broker.ts');
process.exitCode = await main(process.argv.slice(2));

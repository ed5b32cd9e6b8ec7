#!/usr/bin/env node
// The `broker` executable inside this repository (`npx broker …` here): registers tsx so the
// TypeScript CLI runs as is, then hands over to cli/broker.ts. Hosts without the repository
// install the built client instead (client/, `npm run build:client`).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/broker.ts');
process.exitCode = await main(process.argv.slice(2));

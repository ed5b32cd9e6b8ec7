/**
 * `npm run -s token -- <subject> [--ttl seconds]`: prints a JWT from the local OIDC issuer
 * (dev only) for an OIDC caller of the local stack, and nothing else on stdout (`-s` keeps
 * npm's own banner out of `TOKEN=$(…)`). The issuer key is created by
 * `npm start` under .local/jwt/ (or here, if the stack never ran).
 */
import { parseArgs } from 'node:util';
import { ensureLocalIssuer, signLocalToken } from './jwt-issuer.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { ttl: { type: 'string', default: '900' }, audience: { type: 'string' } },
});
const subject = positionals[0];
if (!subject) {
  console.error('usage: npm run -s token -- <subject> [--ttl seconds] [--audience aud]');
  process.exit(1);
}
const { privateKeyFile } = await ensureLocalIssuer('.local/jwt');
console.log(
  await signLocalToken(privateKeyFile, {
    subject,
    ttlSeconds: Number(values.ttl),
    audience: values.audience,
  }),
);

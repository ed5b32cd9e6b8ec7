/**
 * `npm start [-- --fresh]`: the whole broker on 127.0.0.1 with no cloud account.
 * Ports: BROKER_PORT (3000), BROKER_DYNAMODB_PORT (8000), BROKER_STS_PORT (8100),
 * BROKER_VOLCENGINE_STS_PORT (8200), BROKER_SSM_PORT (8300), BROKER_LAMBDA_PORT (3002);
 * 0 = any free loopback port (the URLs printed are the ports taken). Data under .local/
 * (the audit trail survives restarts) unless --fresh; one stack at a time per folder.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertDataFolderFree, DataFolderInUseError } from './dynamodb.js';
import { PortInUseError } from './ports.js';
import { type LocalStack, startLocalStack } from './stack.js';

const port = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    console.error(`${name} must be a port number (0: any free port), got ${process.env[name]}`);
    process.exit(1);
  }
  return value;
};

const positive = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a positive integer, got ${process.env[name]}`);
    process.exit(1);
  }
  return value;
};

const ports = {
  api: port('BROKER_PORT', 3000),
  lambda: port('BROKER_LAMBDA_PORT', 3002),
  dynamodb: port('BROKER_DYNAMODB_PORT', 8000),
  awsSts: port('BROKER_STS_PORT', 8100),
  volcengineSts: port('BROKER_VOLCENGINE_STS_PORT', 8200),
  ssm: port('BROKER_SSM_PORT', 8300),
};
const dataDir = '.local';
const dynamoDir = join(dataDir, 'dynamodb');
const grantsFile = process.env.BROKER_GRANTS_FILE ?? 'local/grants.yaml';

// Ctrl-C from the first moment: a start under way stops what it started (serverless-offline
// runs in a process group of its own, which the terminal's Ctrl-C does not reach).
const starting = new AbortController();
let stack: LocalStack | undefined;
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  starting.abort();
  if (stack) {
    await stack.stop();
    process.exit(0);
  }
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

console.log('Starting the local credential broker…');
try {
  if (process.argv.includes('--fresh')) {
    // Never wipe the data of a stack that runs; a folder that cannot be opened at all is
    // what --fresh is for.
    await assertDataFolderFree(dynamoDir).catch((error: unknown) => {
      if (error instanceof DataFolderInUseError) throw error;
    });
    rmSync(dataDir, { recursive: true, force: true });
  }
  stack = await startLocalStack({
    ports,
    dataDir,
    persistDynamo: true,
    grantsFile,
    identitiesFile: 'local/dev-identities.json',
    onApiOutput: process.env.BROKER_VERBOSE ? (chunk) => process.stdout.write(chunk) : undefined,
    signal: starting.signal,
    maxInFlight: positive('BROKER_LOCAL_MAX_IN_FLIGHT', 4),
  });
  if (stopping) {
    // Ctrl-C came as the start finished.
    await stack.stop();
    process.exit(0);
  }
  console.log(`
Local credential broker is up (stage local, grants ${grantsFile}).
  API               ${stack.apiUrl}/v1/   (health: ${stack.apiUrl}/v1/health, OpenAPI: ${stack.apiUrl}/v1/openapi.json)
  DynamoDB          ${stack.dynamo.url}   table ${stack.tableName} (data in ${dynamoDir})
  AWS STS emulator  ${stack.awsSts.url}
  Volcengine STS    ${stack.volcengineSts.url}
  SSM (secrets)     ${stack.ssm.url}
  Lambda (invoke)   ${stack.lambdaUrl}   (aws lambda invoke --endpoint-url)
  OIDC issuer       ${stack.jwt.issuer} (JWKS ${stack.jwt.jwksFile})

Try it (signed with a dev identity from local/dev-identities.json):
  npx broker grants --local --as reporting-service --endpoint ${stack.apiUrl}   # its grants: role, durations, ceiling
  npx broker creds --local --as reporting-service --grant reports-reader --format json --endpoint ${stack.apiUrl}
  npx broker creds --local --as mallory --role-arn arn:aws:iam::222222222222:role/reports-read --endpoint ${stack.apiUrl}   # 403
  npx broker creds --local --as rotation-job --grant doris-vault-rotation --duration 3601 --endpoint ${stack.apiUrl}   # 400: role chaining caps at 3600
  npx broker audit --local --as security-audit --format table --endpoint ${stack.apiUrl}
  TOKEN=$(npm run -s token -- rotation-job)      # a JWT for an OIDC caller (-s: no npm banner), then:
  curl -s -X POST ${stack.apiUrl}/v1/oidc/credentials -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"grant":"doris-vault-rotation"}'

Ctrl-C stops everything.`);
} catch (error) {
  // Stopped while starting: the start stopped what it had started.
  if (starting.signal.aborted) process.exit(0);
  if (error instanceof PortInUseError || error instanceof DataFolderInUseError) console.error(error.message);
  else
    console.error(`Local stack failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

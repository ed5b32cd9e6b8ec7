/**
 * Starts the real local stack (dynalite, STS emulators, serverless-offline) on free
 * loopback ports for one test file, and signs calls as a dev identity.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  type BrokerCredentials,
  type SignedRequestInit,
  signedFetch,
} from '../../lib/client/signed-fetch.js';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack.js';

interface DevIdentity extends BrokerCredentials {
  principalArn: string;
}

const identities = JSON.parse(readFileSync('local/dev-identities.json', 'utf8')) as DevIdentity[];

/** A dev identity by the role or user name in its principal ARN (e.g. "reporting-service"). */
export function devIdentity(name: string): DevIdentity {
  const identity = identities.find((i) => i.principalArn.split(/[/:]/).includes(name));
  if (!identity) throw new Error(`no dev identity named ${name}`);
  return identity;
}

export interface StackFixture {
  stack: LocalStack;
  /** Everything serverless-offline printed: the broker's log lines. */
  apiOutput(): string;
  /** Where serverless-esbuild put this stack's function bundles. */
  buildDir: string;
  call(
    as: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    init?: Partial<SignedRequestInit>,
  ): Promise<Response>;
  stop(): Promise<void>;
}

export async function startStackFixture(
  options: Pick<LocalStackOptions, 'apiEnv' | 'chooseOfflinePort'> & { grantsFile?: string } = {},
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'broker-it-'));
  const esbuildDir = join('.test-tmp', `esbuild-${basename(dataDir)}`);
  let output = '';
  const removeFolders = () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(esbuildDir, { recursive: true, force: true });
  };
  // The stack binds its own ports; a race for serverless-offline's port is retried inside it.
  const stack = await startLocalStack({
    ports: { api: 0, lambda: 0, dynamodb: 0, awsSts: 0, volcengineSts: 0, ssm: 0 },
    dataDir,
    persistDynamo: false,
    grantsFile: options.grantsFile ?? 'local/grants.yaml',
    identitiesFile: 'local/dev-identities.json',
    apiEnv: {
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // One esbuild folder per stack (serverless.yml): test files run in parallel.
      BROKER_ESBUILD_WORK_FOLDER: esbuildDir,
      ...options.apiEnv,
    },
    onApiOutput: (chunk) => {
      output += chunk;
    },
    chooseOfflinePort: options.chooseOfflinePort,
  }).catch((error: unknown) => {
    removeFolders();
    throw error;
  });
  const fixture: StackFixture = {
    stack,
    apiOutput: () => output,
    buildDir: join(esbuildDir, '.build'),
    call: async (as, method, path, body, init = {}) => {
      const response = await signedFetch(
        `${stack.apiUrl}${path}`,
        {
          method,
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
          ...init,
        },
        devIdentity(as),
      );
      // A 502 or 504 comes from the local gate: what the stack printed is the only clue to why.
      if (response.status === 502 || response.status === 504) {
        process.stderr.write(
          `local stack: ${response.status} for ${method} ${path}; its last output:\n${output.slice(-4000)}\n`,
        );
      }
      return response;
    },
    stop: async () => {
      await stack.stop();
      removeFolders();
    },
  };
  return fixture;
}

/**
 * Reading IAM out of a packaged CloudFormation template: statements of inline role
 * policies, their actions, and their resources as strings (`Fn::GetAtt: [X, Arn]` is
 * rendered `${X.Arn}`, the way `Fn::Sub` spells it, so both compare alike).
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** Everything `serverless package` reads; local/ too, so a stray import of it would be bundled. */
const SERVICE_FILES = [
  'serverless.yml',
  'package.json',
  'tsconfig.json',
  'config',
  'functions',
  'lib',
  'cli',
  'local',
];

export interface PackagedService {
  outDir: string;
  template: Template;
  remove(): void;
}

/** A throwaway copy of the service (node_modules linked), where packaging cannot touch the work tree. */
export function copyService(): string {
  const dir = mkdtempSync(join(tmpdir(), 'broker-package-'));
  for (const entry of SERVICE_FILES) cpSync(entry, join(dir, entry), { recursive: true });
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * `npm start` (local/start.ts) in a copy of the service, as a developer runs it there, with
 * every port variable 0: it binds free ports itself and prints them. Its own process group.
 */
export function spawnLocalStart(
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): ChildProcess {
  const ports = [
    'BROKER_PORT',
    'BROKER_LAMBDA_PORT',
    'BROKER_DYNAMODB_PORT',
    'BROKER_STS_PORT',
    'BROKER_VOLCENGINE_STS_PORT',
    'BROKER_SSM_PORT',
  ].map((name) => [name, '0']);
  return spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], {
    cwd: dir,
    env: { ...process.env, ...Object.fromEntries(ports), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

const serverlessEnv = (env: Record<string, string>) => ({
  ...process.env,
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  ...env,
});

/**
 * Runs `serverless package` on a copy of the service, into `.serverless/` of the copy (the
 * folder a deployer would ship and the secret-leak check reads). Asynchronous, so servers
 * of the calling test (a fake SSM endpoint) keep answering while it runs.
 */
export async function packageService(
  stage: string,
  extraArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<PackagedService> {
  const dir = copyService();
  await promisify(execFile)(
    process.execPath,
    ['node_modules/serverless/bin/serverless.js', 'package', '--stage', stage, ...extraArgs],
    { cwd: dir, env: serverlessEnv(env), maxBuffer: 16 << 20 },
  );
  const outDir = join(dir, '.serverless');
  return {
    outDir,
    template: JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs a `serverless package` that must fail; returns everything it printed. */
export function packagingFailure(stage: string, extraArgs: string[] = []): string {
  const dir = copyService();
  try {
    const run = spawnSync(
      process.execPath,
      ['node_modules/serverless/bin/serverless.js', 'package', '--stage', stage, ...extraArgs],
      { cwd: dir, env: serverlessEnv({}), encoding: 'utf8' },
    );
    if (run.status === 0) throw new Error(`serverless package --stage ${stage} ${extraArgs} succeeded`);
    return `${run.stdout}${run.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The grants file the template tests package (param grantsFile, required for deployed stages). */
export const GRANTS_FILE = 'config/grants.example.yaml';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
}

export interface Template {
  Resources: Record<string, CfnResource>;
}

export interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
}

interface InlinePolicy {
  PolicyDocument?: { Statement?: Statement[] };
}

export function roleStatements(role: CfnResource): Statement[] {
  const policies = (role.Properties?.Policies ?? []) as InlinePolicy[];
  return policies.flatMap((policy) => policy.PolicyDocument?.Statement ?? []);
}

export const actionsOf = (statement: Statement): string[] =>
  statement.Action === undefined ? [] : [statement.Action].flat();

function resourceString(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  if (resource && typeof resource === 'object') {
    const sub = (resource as { 'Fn::Sub'?: unknown })['Fn::Sub'];
    if (typeof sub === 'string') return sub;
    const getAtt = (resource as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt.length === 2) return `\${${getAtt[0]}.${getAtt[1]}}`;
  }
  // Anything else (Fn::Join, Ref, ...) is refused rather than guessed at.
  throw new Error(`unsupported IAM resource form: ${JSON.stringify(resource)}`);
}

export const resourcesOf = (statement: Statement): string[] =>
  statement.Resource === undefined ? [] : [statement.Resource].flat().map(resourceString);

/** Whether a statement names the table with this logical id (or one of its indexes). */
export const mentionsResource = (statement: Statement, logicalId: string): boolean =>
  resourcesOf(statement).some((resource) => resource.startsWith(`\${${logicalId}.Arn}`));

/** `arn:…:log-group:/aws/lambda/x:*` → `/aws/lambda/x`. */
export function logGroupNameOf(resource: string): string {
  const match = /:log-group:([^:*]+):\*$/.exec(resource);
  if (!match?.[1]) throw new Error(`not a log-group stream resource: ${resource}`);
  return match[1];
}

export function functionsOf(template: Template): { name: string; properties: Record<string, unknown> }[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([name, resource]) => ({ name, properties: resource.Properties ?? {} }));
}

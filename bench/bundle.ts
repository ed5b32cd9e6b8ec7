/**
 * Bundle size and cold start: `npx tsx bench/bundle.ts [repetitions, default 7]`.
 *
 * 1. `serverless package --stage prod` into a temp dir (no AWS account needed): each
 *    function's zip (target ≤ 1 MB) and its minified handler .mjs.
 * 2. What is inside: the same entry rebuilt with the same esbuild options plus a metafile,
 *    grouped by package. External: node: built-ins only (the SDK is bundled, see 4).
 * 3. Cold import: a fresh `node` per sample imports the unzipped bundle, versus a
 *    hello-world handler bundled the same way; import time and whole-process time,
 *    interleaved. Target: ≤ 2× the hello world.
 * 4. The options, side by side in the same run: each function's entry rebuilt as it was
 *    before (SDK external, loaded from node_modules as from the runtime's copy in Lambda,
 *    and the YAML grants file parsed at import), then one change at a time (grants compiled
 *    to JSON; SDK bundled from its CommonJS build; from its ES modules, tree-shaken; node
 *    built-ins through require(); code splitting; the SSM client on first use; no zod
 *    schemas of other routes; the configuration parsed without zod's compiled fast path;
 *    the OpenAPI paths converted at build time), each cold-started interleaved with the
 *    hello world. Changes to the broker's source are undone by plugins that edit the
 *    source back as the bundle is built (`editSource`), so every option builds from today's
 *    code; options tried but not taken (the Volcengine issuer imported on first use) are
 *    edited in the same way.
 * 5. The parts alone, bundled the same way (the DynamoDB client, DynamoDB + STS clients, zod
 *    with the route contracts, Powertools + middy): the floor under the functions.
 * 6. The stack floor: a function made of the mandated libraries only (Powertools logger and
 *    metrics, middy, zod imported tree-shaken, node:https), alone and with the DynamoDB
 *    client; and for each function, a floor that loads exactly the libraries and SDK clients
 *    its bundle loads at start, printed beside it: the function's ratio is its floor's plus
 *    what the broker's own code costs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { appendResult } from './support/results.js';
import { type Figure, median, printTable } from './support/stats.js';

/** Interleaved repetitions (`npx tsx bench/bundle.ts 15`: more, for a busy machine). */
const REPETITIONS = Number(process.argv[2] ?? 7);
if (!Number.isInteger(REPETITIONS) || REPETITIONS < 1)
  throw new Error('usage: npx tsx bench/bundle.ts [repetitions]');
const GRANTS_YAML = 'config/grants.example.yaml';
const ROOT = resolve('.');
const work = mkdtempSync(join(tmpdir(), 'broker-bundle-'));
const kb = (bytes: number) => bytes / 1024;

// custom.esbuild.plugins in serverless.yml: node built-ins through require(), and modules
// run at build time (*.build-time.ts).
const packagingPlugins = createRequire(import.meta.url)(
  '../config/serverless/esbuild-plugins.cjs',
) as Plugin[];
function packagingPlugin(name: string): Plugin {
  const plugin = packagingPlugins.find((p) => p.name === name);
  if (plugin === undefined) throw new Error(`config/serverless/esbuild-plugins.cjs has no plugin ${name}`);
  return plugin;
}
const builtinsByRequire = [packagingPlugin('builtins-by-require')];
// Checked here so a renamed plugin fails the bench instead of silently joining every option.
packagingPlugin('build-time-modules');

/**
 * The source edited as the bundle is built: a change undone (the state before it), or an option
 * tried that the code does not take. The bench fails when the code no longer reads as an edit
 * expects.
 */
function editSource(name: string, edits: { file: string; from: string; to: string }[]): Plugin {
  return {
    name,
    setup(pluginBuild) {
      for (const file of new Set(edits.map((edit) => edit.file))) {
        const filter = new RegExp(`${file.replaceAll('.', '\\.')}$`);
        pluginBuild.onLoad({ filter }, (args) => {
          let source = readFileSync(args.path, 'utf8');
          for (const edit of edits.filter((e) => e.file === file)) {
            if (!source.includes(edit.from)) throw new Error(`${name}: ${file} no longer holds ${edit.from}`);
            source = source.replace(edit.from, edit.to);
          }
          return { contents: source, loader: 'ts' };
        });
      }
    },
  };
}

/**
 * Contract modules that imported a field from another route's contract module, and so built
 * that route's schemas at every cold start (the audit evidence routes built the audit query's,
 * the grants routes the issuance's); the health function built the issuers (Volcengine signer,
 * secret store) it never uses. Restored as side-effect imports: the same modules evaluated.
 */
const otherRoutesSchemas = editSource('schemas-of-other-routes', [
  {
    file: 'lib/contracts/audit-evidence.ts',
    from: "import { instant, pageLimitParameter } from './fields.js';",
    to: "import { instant, pageLimitParameter } from './fields.js';\nimport './list-issuances.js';",
  },
  {
    file: 'lib/contracts/list-my-grants.ts',
    from: "import { DURATION_BOUNDS } from './limits.js';",
    to: "import { DURATION_BOUNDS } from './limits.js';\nimport './issue-credentials.js';",
  },
  {
    file: 'functions/health/handler.ts',
    from: "import { stsClient } from '../shared/sts.js';",
    to: "import '../shared/issuers.js';\nimport { stsClient } from '../shared/sts.js';",
  },
]);

/** The configuration parsed once per cold start through zod's compiled fast path (jitless: false). */
const jitConfigParses = editSource(
  'config-parses-compiled',
  ['lib/config/env.ts', 'lib/config/digest.ts', 'lib/config/grants-file.ts'].map((file) => ({
    file,
    from: ', { jitless: true })',
    to: ')',
  })),
);

/**
 * Tried, not adopted: the Volcengine issuer's module (signer, response schemas, STS calls;
 * 7 KB) imported on the first Volcengine issuance, in a chunk of its own. Most issuances are
 * for AWS grants; but the cold start did not measurably change (within ±1 %, 40 interleaved
 * runs), so the minting functions keep building it at cold start.
 */
const volcengineOnFirstUse = editSource('volcengine-issuer-on-first-use', [
  {
    file: 'functions/shared/issuers.ts',
    from: "import { makeVolcengineIssuer } from '../../lib/providers/volcengine-sts.js';",
    to: `const onFirstUse = (make) => {
  let loaded;
  const issuer = () => (loaded ??= import('../../lib/providers/volcengine-sts.js').then((m) => make(m.makeVolcengineIssuer)));
  return { provider: 'volcengine', assume: async (input, budget) => (await issuer()).assume(input, budget) };
};`,
  },
  {
    file: 'functions/shared/issuers.ts',
    from: 'volcengine: makeVolcengineIssuer({',
    to: 'volcengine: onFirstUse((makeVolcengineIssuer) => makeVolcengineIssuer({',
  },
  { file: 'functions/shared/issuers.ts', from: '  }),\n};', to: '  })),\n};' },
]);

/** The broker's own import-time work as it was before this round's cuts (but the OpenAPI paths, see VARIANTS). */
const roundStart = [otherRoutesSchemas, jitConfigParses];

/**
 * The SSM secret store as it was before its client moved to first use: the provider module
 * imported statically (what `lib/config/ssm-secrets.ts` imports lazily, imported at once).
 */
const eagerSsm: Plugin = {
  name: 'eager-ssm-secret-store',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /lib\/config\/ssm-secrets\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const lazy = "provider ??= import('./ssm-secrets-provider.js')";
      if (!source.includes(lazy))
        throw new Error('lib/config/ssm-secrets.ts no longer imports its provider lazily');
      const eager = source.replace(lazy, 'provider ??= Promise.resolve(ssmSecretsProvider)');
      return {
        contents: `import * as ssmSecretsProvider from './ssm-secrets-provider.js';\n${eager}`,
        loader: 'ts',
      };
    });
  },
};

// The options of custom.esbuild in serverless.yml.
const esbuildOptions: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: [],
  mainFields: ['module', 'main'],
  plugins: packagingPlugins,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: {
    js: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'silent',
};

interface FunctionState {
  handler: string;
  environment?: Record<string, unknown>;
}
interface ServerlessState {
  service: { provider: { environment?: Record<string, unknown> }; functions: Record<string, FunctionState> };
}

console.log('packaging: serverless package --stage prod ...');
const packageDir = join(work, 'package');
execFileSync(
  process.execPath,
  [
    'node_modules/serverless/bin/serverless.js',
    'package',
    '--stage',
    'prod',
    `--param=grantsFile=${GRANTS_YAML}`,
    '--package',
    packageDir,
  ],
  {
    env: {
      ...process.env,
      // Its own esbuild work folder: a running local stack must not leak its handlers in.
      BROKER_ESBUILD_WORK_FOLDER: `.esbuild/bench-${process.pid}`,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
    },
    stdio: 'ignore',
  },
);
const state = JSON.parse(readFileSync(join(packageDir, 'serverless-state.json'), 'utf8')) as ServerlessState;
const stringEnv = (env: Record<string, unknown> = {}) =>
  Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );

interface Bundle {
  name: string;
  dir: string;
  file: string;
  zipBytes: number;
  mjsBytes: number;
  strayFiles: string[];
  env: Record<string, string>;
  packages: [string, number][];
  /** Node built-ins loaded at start (through require(): the builtins-by-require plugin). */
  builtins: string[];
}

async function inspect(name: string, fn: FunctionState): Promise<Bundle> {
  const dir = join(work, 'unzipped', name);
  mkdirSync(dir, { recursive: true });
  execFileSync('unzip', ['-q', join(packageDir, `${name}.zip`), '-d', dir]);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const entry = fn.handler.slice(0, fn.handler.lastIndexOf('.'));
  const file = `${entry}.mjs`;
  const listing = execFileSync('unzip', ['-Z1', join(packageDir, `${name}.zip`)], { encoding: 'utf8' });
  const expected = new Set([file, stringEnv(state.service.provider.environment).BROKER_GRANTS_FILE]);
  const chunks = `${entry.slice(0, entry.lastIndexOf('/'))}/chunks/`;
  const { metafile } = await build({
    ...esbuildOptions,
    entryPoints: [{ in: `${entry}.ts`, out: 'handler' }],
    outdir: join(work, 'metafiles', name),
    outExtension: { '.js': '.mjs' },
    write: false,
    metafile: true,
  });
  if (!metafile) throw new Error('esbuild returned no metafile');
  return {
    name,
    dir,
    file,
    zipBytes: statSync(join(packageDir, `${name}.zip`)).size,
    mjsBytes: loadedAtStart(metafile).reduce((total, output) => total + output.bytes, 0),
    strayFiles: listing
      .split('\n')
      .filter((line) => line !== '' && !expected.has(line) && !line.startsWith(chunks)),
    env: { ...stringEnv(state.service.provider.environment), ...stringEnv(fn.environment) },
    packages: byPackage(metafile),
    builtins: loadedAtStart(metafile).flatMap((output) =>
      Object.keys(output.inputs).flatMap((input) => /^node-builtin-by-require:(.+)$/.exec(input)?.[1] ?? []),
    ),
  };
}

/** What a cold start loads: the entry and the chunks it imports statically (not the lazy ones). */
function loadedAtStart(metafile: Metafile): Metafile['outputs'][string][] {
  const entry = Object.keys(metafile.outputs).find((path) => path.endsWith('/handler.mjs'));
  const loaded = new Set<string>();
  const visit = (path: string) => {
    const output = metafile.outputs[path];
    if (output === undefined || loaded.has(path)) return;
    loaded.add(path);
    for (const imported of output.imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  if (entry !== undefined) visit(entry);
  return [...loaded].flatMap((path) => metafile.outputs[path] ?? []);
}

function byPackage(metafile: Metafile): [string, number][] {
  const totals = new Map<string, number>();
  for (const output of loadedAtStart(metafile)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = match?.[1] ?? 'broker code';
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

async function helloWorld(): Promise<Pick<Bundle, 'name' | 'dir' | 'file' | 'env'>> {
  const dir = join(work, 'hello');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'handler.ts'),
    "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n",
  );
  await build({
    ...esbuildOptions,
    entryPoints: [{ in: join(dir, 'handler.ts'), out: 'handler' }],
    outdir: dir,
    outExtension: { '.js': '.mjs' },
  });
  return { name: 'hello-world', dir, file: 'handler.mjs', env: {} };
}

// In-process import time; the whole process (node start-up + import + exit), as wall time and
// as the CPU time the process used. On a busy shared machine the wall time mostly measures the
// wait for a core; the CPU time is what a cold start costs on a core of its own.
const probe =
  'const t=performance.now();await import(process.argv[1]);const i=performance.now()-t;const r=process.resourceUsage();process.stdout.write(i+" "+(r.userCPUTime+r.systemCPUTime)/1000);';
interface ColdStart {
  importMs: number;
  processMs: number;
  cpuMs: number;
}
function coldImport(bundle: Pick<Bundle, 'dir' | 'file' | 'env'>): ColdStart {
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIABENCHCOLDSTART01',
    AWS_SECRET_ACCESS_KEY: 'bench-cold-start-not-a-secret',
    BROKER_CURSOR_KEY: 'bench-cursor-key-not-a-secret-000000000000',
    // CloudFormation references in the template (the digest key and bucket): stand-ins here.
    BROKER_DIGEST_KMS_KEY_ID: 'arn:aws:kms:us-east-1:111122223333:key/bench',
    BROKER_DIGEST_EXPORT_BUCKET: 'bench-evidence',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...bundle.env,
    NODE_OPTIONS: '',
  };
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', probe, join(bundle.dir, bundle.file)],
    {
      cwd: bundle.dir,
      env,
      encoding: 'utf8',
    },
  );
  const processMs = performance.now() - started;
  if (run.status !== 0) throw new Error(`${bundle.file} failed to import: ${run.stderr.slice(-800)}`);
  const [importMs, cpuMs] = run.stdout.split(' ').map(Number);
  return { importMs: importMs ?? Number.NaN, processMs, cpuMs: cpuMs ?? Number.NaN };
}

/**
 * The options, each built from every function entry. `yamlGrants` rebuilds the cold start
 * as it was before the grants file was compiled to JSON: the YAML loader bundled, and the
 * YAML grants file parsed and validated at import.
 */
const singleFile: BuildOptions = { splitting: false, chunkNames: undefined };
const VARIANTS: { name: string; options: BuildOptions; yamlGrants?: boolean }[] = [
  {
    name: 'before: SDK external (runtime copy) + YAML grants',
    options: {
      ...singleFile,
      external: ['@aws-sdk/*'],
      mainFields: ['main', 'module'],
      plugins: [eagerSsm, ...roundStart],
    },
    yamlGrants: true,
  },
  {
    name: 'SDK external (runtime copy), JSON grants',
    options: {
      ...singleFile,
      external: ['@aws-sdk/*'],
      mainFields: ['main', 'module'],
      plugins: [eagerSsm, ...roundStart],
    },
  },
  {
    name: 'SDK bundled from its CommonJS build, JSON grants',
    options: {
      ...singleFile,
      external: [],
      mainFields: ['main', 'module'],
      plugins: [eagerSsm, ...roundStart],
    },
  },
  {
    name: 'SDK bundled from its ES modules (tree-shaken), JSON grants',
    options: {
      ...singleFile,
      external: [],
      mainFields: ['module', 'main'],
      plugins: [eagerSsm, ...roundStart],
    },
  },
  {
    name: '+ node built-ins through require() (no ES module facade of node:http)',
    options: { ...singleFile, plugins: [...builtinsByRequire, eagerSsm, ...roundStart] },
  },
  {
    name: "+ code splitting (the SDK's lazy imports in chunks, loaded on first use)",
    options: { plugins: [...builtinsByRequire, eagerSsm, ...roundStart] },
  },
  {
    name: '+ SSM client imported on first use (lazy chunk)',
    options: { plugins: [...builtinsByRequire, ...roundStart] },
  },
  {
    name: '+ no zod schemas of other routes (contract modules share fields only), health without the issuers',
    options: { plugins: [...builtinsByRequire, jitConfigParses] },
  },
  {
    name: "+ the configuration parsed once without zod's compiled fast path (jitless)",
    options: { plugins: builtinsByRequire },
  },
  {
    name: 'now: + the OpenAPI schemas converted when the bundle is built (*.build-time.ts), not at import',
    options: {},
  },
  {
    name: 'tried, not adopted: + the Volcengine issuer imported on its first issuance (a chunk)',
    options: { plugins: [...packagingPlugins, volcengineOnFirstUse] },
  },
  {
    name: 'lazy SSM import without code splitting (one file)',
    options: { ...singleFile },
  },
];

/**
 * What the parts cost on their own, bundled the same way: the floor under each function.
 * A function that sends DynamoDB calls cannot start faster than the DynamoDB client alone.
 */
const COMPONENTS: { name: string; source: string }[] = [
  {
    name: 'DynamoDB client alone',
    source: `import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({ region: 'us-east-1' });
export const handler = () => client.send(new PutItemCommand({ TableName: 't', Item: {} }));`,
  },
  {
    name: 'DynamoDB + STS clients',
    source: `import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
const dynamodb = new DynamoDBClient({ region: 'us-east-1' });
const sts = new STSClient({ region: 'us-east-1' });
export const handler = () => [dynamodb.send(new PutItemCommand({ TableName: 't', Item: {} })),
  dynamodb.send(new UpdateItemCommand({ TableName: 't', Key: {} })),
  sts.send(new AssumeRoleCommand({ RoleArn: 'r', RoleSessionName: 's' }))];`,
  },
  {
    name: 'zod + the route contracts',
    source: `export * from ${JSON.stringify(join(ROOT, 'lib/contracts/index.ts'))};`,
  },
  {
    name: 'Powertools logger + metrics + middy',
    source: `import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
const logger = new Logger({ serviceName: 's' });
const metrics = new Metrics({ namespace: 'n', serviceName: 's' });
export const handler = middy().handler(async () => { logger.info('x'); metrics.publishStoredMetrics(); });`,
  },
];

/**
 * The floor of the stack itself: what a function of this stack loads before a line of broker
 * code, bundled the same way. Powertools logger (and, where the function publishes metrics,
 * Powertools metrics) with their middy middlewares on the HTTP functions, zod imported as the
 * broker imports it (`import * as z`, member access only: tree-shaken) with one small schema,
 * node:https (what an AWS call goes through; openapi, which makes none, does not load it), and
 * the SDK clients the function builds at cold start. What a function loads is read from its
 * bundle; each function is printed beside its own floor: what is above it is the broker's code.
 */
interface StackParts {
  middy?: boolean;
  metrics?: boolean;
  /** node:https: what the SDK's HTTP handler sends through (a function with no SDK client may not load it). */
  https?: boolean;
  clients: readonly SdkClient[];
}
interface SdkClient {
  name: string;
  imports: string;
  calls: string;
}

function stackFloor({ middy, metrics, https, clients }: StackParts): string {
  const imports = [
    ...(https ? ["import { request } from 'node:https';"] : []),
    "import { Logger } from '@aws-lambda-powertools/logger';",
    "import * as z from 'zod';",
    ...(middy
      ? [
          "import middy from '@middy/core';",
          "import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';",
        ]
      : []),
    ...(metrics
      ? [
          "import { Metrics } from '@aws-lambda-powertools/metrics';",
          "import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';",
        ]
      : []),
    ...clients.map((client) => client.imports),
  ];
  const body = `async (event) => {
  const input = body.parse(JSON.parse(event.body));
  logger.info('x', { name: input.name });
  ${metrics ? "metrics.addMetric('m', 'Count', 1); metrics.publishStoredMetrics();" : ''}
  ${clients.map((client) => client.calls).join('\n  ')}
  ${https ? "return new Promise((resolve) => request('https://example.com', resolve).end());" : ''}
}`;
  return `${imports.join('\n')}
const logger = new Logger({ serviceName: 's' });
${metrics ? "const metrics = new Metrics({ namespace: 'n', serviceName: 's' });" : ''}
const body = z.object({ name: z.string().min(1), count: z.number().int().optional() }).strict();
const core = ${body};
export const handler = ${
    middy
      ? `middy().use(injectLambdaContext(logger))${metrics ? '.use(logMetrics(metrics))' : ''}.handler(core)`
      : 'core'
  };`;
}

const sdk = (name: string, imports: string, calls: string): SdkClient => ({ name, imports, calls });
const DYNAMODB = sdk(
  'DynamoDB',
  `import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
const dynamodb = new DynamoDBClient({ region: 'us-east-1' });`,
  `await dynamodb.send(new PutItemCommand({ TableName: 't', Item: {} }));
  await dynamodb.send(new UpdateItemCommand({ TableName: 't', Key: {} }));`,
);
const STS = sdk(
  'STS',
  `import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
const sts = new STSClient({ region: 'us-east-1' });`,
  "await sts.send(new AssumeRoleCommand({ RoleArn: 'r', RoleSessionName: 's' }));",
);
const KMS = sdk(
  'KMS',
  `import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
const kms = new KMSClient({ region: 'us-east-1' });`,
  `await kms.send(new SignCommand({ KeyId: 'k', Message: new Uint8Array(), SigningAlgorithm: 'ECDSA_SHA_256' }));
  await kms.send(new GetPublicKeyCommand({ KeyId: 'k' }));`,
);
const S3 = sdk(
  'S3',
  `import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
const s3 = new S3Client({ region: 'us-east-1' });`,
  "await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }));",
);

const describeStack = ({ middy, metrics, https, clients }: StackParts) =>
  [
    'logger',
    ...(metrics ? ['metrics'] : []),
    ...(middy ? ['middy'] : []),
    'zod',
    ...(https ? ['node:https'] : []),
    ...clients.map((client) => client.name),
  ].join(' + ');

const sameStack = (a: StackParts, b: StackParts) => describeStack(a) === describeStack(b);

/** The stack floor as a whole (every library of the stack, no SDK client), then with DynamoDB. */
const STACK_FLOORS: StackParts[] = [
  { middy: true, metrics: true, https: true, clients: [] },
  { middy: true, metrics: true, https: true, clients: [DYNAMODB] },
];

/** What a function loads of the stack, read from the packages its bundle loads at start. */
const SDK_CLIENTS: Record<string, SdkClient> = {
  '@aws-sdk/client-dynamodb': DYNAMODB,
  '@aws-sdk/client-sts': STS,
  '@aws-sdk/client-kms': KMS,
  '@aws-sdk/client-s3': S3,
};
function stackOf(bundle: Pick<Bundle, 'packages' | 'builtins'>): StackParts {
  const loaded = new Set(bundle.packages.map(([pkg]) => pkg));
  for (const pkg of loaded) {
    if (pkg.startsWith('@aws-sdk/client-') && SDK_CLIENTS[pkg] === undefined)
      throw new Error(`${pkg} is loaded at start: add its client to SDK_CLIENTS`);
  }
  return {
    middy: loaded.has('@middy/core'),
    metrics: loaded.has('@aws-lambda-powertools/metrics'),
    https: bundle.builtins.includes('https'),
    clients: Object.entries(SDK_CLIENTS)
      .filter(([pkg]) => loaded.has(pkg))
      .map(([, client]) => client),
  };
}

type SourceBundle = Pick<Bundle, 'name' | 'dir' | 'file' | 'env'> & { bytes: number; loadedBytes: number };

/** Each source bundled the same way as the functions, in a folder of its own under `folder`. */
async function sourceBundles(
  folder: string,
  sources: { name: string; source: string }[],
): Promise<SourceBundle[]> {
  const built: SourceBundle[] = [];
  for (const [c, component] of sources.entries()) {
    const dir = join(work, folder, String(c));
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const { metafile } = await build({
      ...esbuildOptions,
      stdin: { contents: component.source, resolveDir: ROOT, loader: 'ts' },
      entryNames: 'handler',
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      metafile: true,
    });
    built.push({
      name: component.name,
      dir,
      file: 'handler.mjs',
      env: {},
      bytes: statSync(join(dir, 'handler.mjs')).size,
      loadedBytes: loadedAtStart(metafile).reduce((total, output) => total + output.bytes, 0),
    });
  }
  return built;
}

interface VariantBundle extends Pick<Bundle, 'dir' | 'file' | 'env'> {
  fn: string;
  variant: string;
  bytes: number;
}

async function variantBundles(bundles: Bundle[]): Promise<VariantBundle[]> {
  const built: VariantBundle[] = [];
  for (const [v, variant] of VARIANTS.entries()) {
    for (const bundle of bundles) {
      const dir = join(work, 'variants', String(v), bundle.name);
      mkdirSync(dir, { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      const grants = bundle.env.BROKER_GRANTS_FILE;
      if (grants) {
        mkdirSync(join(dir, grants, '..'), { recursive: true });
        copyFileSync(join(bundle.dir, grants), join(dir, grants));
      }
      const entry = join(ROOT, bundle.file.replace(/\.mjs$/, '.ts'));
      let entryPoint = entry;
      if (variant.yamlGrants) {
        copyFileSync(join(ROOT, GRANTS_YAML), join(dir, 'grants.yaml'));
        entryPoint = join(dir, 'entry.ts');
        writeFileSync(
          entryPoint,
          `import { loadGrants } from ${JSON.stringify(join(ROOT, 'lib/config/grants.ts'))};\nloadGrants('grants.yaml');\nexport * from ${JSON.stringify(entry)};\n`,
        );
      }
      const { metafile } = await build({
        ...esbuildOptions,
        ...variant.options,
        entryPoints: [{ in: entryPoint, out: 'handler' }],
        outdir: dir,
        outExtension: { '.js': '.mjs' },
        metafile: true,
      });
      built.push({
        fn: bundle.name,
        variant: variant.name,
        dir,
        file: 'handler.mjs',
        env: bundle.env,
        bytes: loadedAtStart(metafile).reduce((total, output) => total + output.bytes, 0),
      });
    }
  }
  return built;
}

try {
  const bundles = await Promise.all(
    Object.entries(state.service.functions).map(([name, fn]) => inspect(name, fn)),
  );
  const hello = await helloWorld();
  const helloImport: number[] = [];
  const helloProcess: number[] = [];
  const helloCpu: number[] = [];
  const samples = new Map(
    bundles.map((b) => [
      b.name,
      { importMs: [] as number[], processMs: [] as number[], cpuMs: [] as number[] },
    ]),
  );
  const variants = await variantBundles(bundles);
  const variantProcess = new Map(variants.map((v) => [v, [] as number[]]));
  const components = await sourceBundles('components', COMPONENTS);
  const componentProcess = new Map(components.map((c) => [c, [] as number[]]));
  const floorParts = [...STACK_FLOORS, ...bundles.map(stackOf)].filter(
    (parts, i, all) => all.findIndex((other) => sameStack(other, parts)) === i,
  );
  const floors = await sourceBundles(
    'floors',
    floorParts.map((parts) => ({ name: describeStack(parts), source: stackFloor(parts) })),
  );
  const floorProcess = new Map(floors.map((f) => [f.name, [] as number[]]));
  const floorOf = (bundle: Bundle) => floors.find((f) => f.name === describeStack(stackOf(bundle)));
  coldImport(hello);
  for (let rep = 0; rep < REPETITIONS; rep++) {
    const h = coldImport(hello);
    helloImport.push(h.importMs);
    helloProcess.push(h.processMs);
    helloCpu.push(h.cpuMs);
    for (const bundle of bundles) {
      const s = coldImport(bundle);
      samples.get(bundle.name)?.importMs.push(s.importMs);
      samples.get(bundle.name)?.processMs.push(s.processMs);
      samples.get(bundle.name)?.cpuMs.push(s.cpuMs);
    }
    for (const variant of variants) variantProcess.get(variant)?.push(coldImport(variant).cpuMs / h.cpuMs);
    for (const component of components) {
      componentProcess.get(component)?.push(coldImport(component).cpuMs / h.cpuMs);
    }
    for (const floor of floors) floorProcess.get(floor.name)?.push(coldImport(floor).cpuMs / h.cpuMs);
  }

  const figures: Figure[] = [
    { name: 'hello-world import', unit: 'ms', values: helloImport },
    { name: 'hello-world process', unit: 'ms', values: helloProcess },
    { name: 'hello-world process CPU', unit: 'ms', values: helloCpu },
  ];
  for (const bundle of bundles) {
    const s = samples.get(bundle.name);
    if (!s) continue;
    figures.push(
      { name: `${bundle.name} loaded at start`, unit: 'KB', values: [kb(bundle.mjsBytes)] },
      { name: `${bundle.name} zip`, unit: 'KB', values: [kb(bundle.zipBytes)], target: '≤ 1024 KB' },
      { name: `${bundle.name} import`, unit: 'ms', values: s.importMs },
      {
        name: `${bundle.name} process ratio`,
        unit: '×',
        values: s.processMs.map((ms, i) => ms / (helloProcess[i] ?? Number.NaN)),
      },
      {
        name: `${bundle.name} process CPU ratio`,
        unit: '×',
        values: s.cpuMs.map((ms, i) => ms / (helloCpu[i] ?? Number.NaN)),
        target: '≤ 2×',
      },
      {
        name: `${bundle.name} stack floor process CPU ratio`,
        unit: '×',
        values: floorProcess.get(floorOf(bundle)?.name ?? '') ?? [],
      },
      {
        name: `${bundle.name} import ratio`,
        unit: '×',
        values: s.importMs.map((ms, i) => ms / (helloImport[i] ?? Number.NaN)),
      },
    );
  }
  printTable(
    `Bundles (serverless package --stage prod) and cold import, ${REPETITIONS} interleaved reps`,
    figures,
  );
  console.log(
    '\nLoaded at cold start, by package (KB in the minified output, lazy chunks left out); external: node: built-ins',
  );
  for (const bundle of bundles) {
    const top = bundle.packages.slice(0, 8).map(([pkg, bytes]) => `${pkg} ${kb(bytes).toFixed(0)}`);
    console.log(`  ${bundle.name}: ${top.join(', ')}`);
    if (bundle.strayFiles.length > 0) {
      console.log(`  ${bundle.name}: zip also holds ${bundle.strayFiles.join(', ')}`);
    }
  }
  console.log(
    `\nOptions: whole-process CPU ratio to the hello world (median of ${REPETITIONS}), KB loaded at start`,
  );
  const variantRows = VARIANTS.map(({ name }) => {
    const cells = variants
      .filter((v) => v.variant === name)
      .map((v) => `${v.fn} ${median(variantProcess.get(v) ?? []).toFixed(2)}× ${kb(v.bytes).toFixed(0)} KB`);
    return `${name}: ${cells.join(', ')}`;
  });
  for (const row of variantRows) console.log(`  ${row}`);
  const componentCells = components.map(
    (c) => `${c.name} ${median(componentProcess.get(c) ?? []).toFixed(2)}× ${kb(c.bytes).toFixed(0)} KB`,
  );
  console.log(`\nParts alone (the floor under the functions): ${componentCells.join(', ')}`);
  const floorCells = floors.map(
    (f) =>
      `${f.name} ${median(floorProcess.get(f.name) ?? []).toFixed(2)}× ${kb(f.loadedBytes).toFixed(0)} KB`,
  );
  console.log(
    `\nStack floors (process CPU ratio to the hello world, median of ${REPETITIONS}; KB loaded at start):`,
  );
  for (const cell of floorCells) console.log(`  ${cell}`);
  console.log('\nEach function beside its stack floor (the libraries it loads, alone): process CPU ratio');
  const besideFloor = bundles.map((b) => {
    const ratios = (samples.get(b.name)?.cpuMs ?? []).map((ms, i) => ms / (helloCpu[i] ?? Number.NaN));
    const floor = floorOf(b);
    const floorRatios = floorProcess.get(floor?.name ?? '') ?? [];
    const above = median(ratios.map((r, i) => r - (floorRatios[i] ?? Number.NaN)));
    return `${b.name} ${median(ratios).toFixed(2)}× = floor ${median(floorRatios).toFixed(2)}× (${floor?.name}) + broker code ${above.toFixed(2)}×`;
  });
  for (const row of besideFloor) console.log(`  ${row}`);
  const issue = bundles.find((b) => b.name === 'issueCredentials');
  appendResult({
    command: `npx tsx bench/bundle.ts${process.argv[2] === undefined ? '' : ` ${REPETITIONS}`}`,
    figures: figures.filter((f) => f.name.startsWith('hello') || f.name.startsWith('issueCredentials')),
    notes: `issueCredentials bundles ${issue?.packages
      .slice(0, 5)
      .map(([pkg, bytes]) => `${pkg} ${kb(bytes).toFixed(0)} KB`)
      .join(', ')}; other functions: ${bundles
      .filter((b) => b !== issue)
      .map(
        (b) =>
          `${b.name} ${kb(b.mjsBytes).toFixed(0)} KB, zip ${kb(b.zipBytes).toFixed(0)} KB, import ${median(samples.get(b.name)?.importMs ?? []).toFixed(0)} ms, process CPU ratio ${median((samples.get(b.name)?.cpuMs ?? []).map((ms, i) => ms / (helloCpu[i] ?? Number.NaN))).toFixed(2)}×`,
      )
      .join(
        '; ',
      )}; options (process CPU ratio, KB loaded at start): ${variantRows.join('; ')}; parts alone (process CPU ratio, .mjs size): ${componentCells.join(', ')}; stack floors (process CPU ratio, KB loaded at start): ${floorCells.join(', ')}; each function = its stack floor + the broker's own code: ${besideFloor.join('; ')}`,
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * Bundle size and cold start: `npx tsx bench/bundle.ts`.
 *
 * 1. `serverless package --stage prod` into a temp dir (no AWS account needed): each
 *    function's zip and its minified handler .mjs (target ≤ 300 KB per function).
 * 2. What is inside: the same entry rebuilt with the same esbuild options plus a metafile,
 *    grouped by package. External: @aws-sdk/* (the nodejs20.x runtime ships SDK v3, so
 *    bundling it would only grow the zip) and node: built-ins.
 * 3. Cold import: a fresh `node` per sample imports the unzipped bundle (node_modules
 *    symlinked so @aws-sdk/* resolves, as the runtime's copy does in Lambda), versus a
 *    hello-world handler bundled the same way; import time and whole-process time,
 *    interleaved. Target: ≤ 2× the hello world.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { appendResult } from './support/results.js';
import { type Figure, median, printTable } from './support/stats.js';

const REPETITIONS = 7;
const ROOT = resolve('.');
const work = mkdtempSync(join(tmpdir(), 'broker-bundle-'));
const kb = (bytes: number) => bytes / 1024;

// The options of custom.esbuild in serverless.yml.
const esbuildOptions: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@aws-sdk/*'],
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
    '--param=grantsFile=config/grants.example.yaml',
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
  const { metafile } = await build({
    ...esbuildOptions,
    entryPoints: [`${entry}.ts`],
    write: false,
    metafile: true,
  });
  if (!metafile) throw new Error('esbuild returned no metafile');
  return {
    name,
    dir,
    file,
    zipBytes: statSync(join(packageDir, `${name}.zip`)).size,
    mjsBytes: statSync(join(dir, file)).size,
    strayFiles: listing.split('\n').filter((line) => line !== '' && !expected.has(line)),
    env: { ...stringEnv(state.service.provider.environment), ...stringEnv(fn.environment) },
    packages: byPackage(metafile),
  };
}

function byPackage(metafile: Metafile): [string, number][] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
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
    entryPoints: [join(dir, 'handler.ts')],
    outfile: join(dir, 'handler.mjs'),
  });
  return { name: 'hello-world', dir, file: 'handler.mjs', env: {} };
}

// In-process import time, and the whole process (node start-up + import + exit).
const probe =
  'const t=performance.now();await import(process.argv[1]);process.stdout.write(String(performance.now()-t));';
function coldImport(bundle: Pick<Bundle, 'dir' | 'file' | 'env'>): { importMs: number; processMs: number } {
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIABENCHCOLDSTART01',
    AWS_SECRET_ACCESS_KEY: 'bench-cold-start-not-a-secret',
    BROKER_CURSOR_KEY: 'bench-cursor-key-not-a-secret-000000000000',
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
  if (run.status !== 0) throw new Error(`${bundle.file} failed to import: ${run.stderr.slice(0, 800)}`);
  return { importMs: Number(run.stdout), processMs };
}

try {
  const bundles = await Promise.all(
    Object.entries(state.service.functions).map(([name, fn]) => inspect(name, fn)),
  );
  const hello = await helloWorld();
  const helloImport: number[] = [];
  const helloProcess: number[] = [];
  const samples = new Map(
    bundles.map((b) => [b.name, { importMs: [] as number[], processMs: [] as number[] }]),
  );
  coldImport(hello);
  for (let rep = 0; rep < REPETITIONS; rep++) {
    const h = coldImport(hello);
    helloImport.push(h.importMs);
    helloProcess.push(h.processMs);
    for (const bundle of bundles) {
      const s = coldImport(bundle);
      samples.get(bundle.name)?.importMs.push(s.importMs);
      samples.get(bundle.name)?.processMs.push(s.processMs);
    }
  }

  const figures: Figure[] = [
    { name: 'hello-world import', unit: 'ms', values: helloImport },
    { name: 'hello-world process', unit: 'ms', values: helloProcess },
  ];
  for (const bundle of bundles) {
    const s = samples.get(bundle.name);
    if (!s) continue;
    figures.push(
      { name: `${bundle.name} .mjs`, unit: 'KB', values: [kb(bundle.mjsBytes)], target: '≤ 300 KB' },
      { name: `${bundle.name} zip`, unit: 'KB', values: [kb(bundle.zipBytes)] },
      { name: `${bundle.name} import`, unit: 'ms', values: s.importMs },
      {
        name: `${bundle.name} process ratio`,
        unit: '×',
        values: s.processMs.map((ms, i) => ms / (helloProcess[i] ?? Number.NaN)),
        target: '≤ 2×',
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
  console.log('\nBundled, by package (KB in the minified output); external: @aws-sdk/*, node: built-ins');
  for (const bundle of bundles) {
    const top = bundle.packages.slice(0, 8).map(([pkg, bytes]) => `${pkg} ${kb(bytes).toFixed(0)}`);
    console.log(`  ${bundle.name}: ${top.join(', ')}`);
    if (bundle.strayFiles.length > 0) {
      console.log(`  ${bundle.name}: zip also holds ${bundle.strayFiles.join(', ')}`);
    }
  }
  const issue = bundles.find((b) => b.name === 'issueCredentials');
  appendResult({
    command: 'npx tsx bench/bundle.ts',
    figures: figures.filter((f) => f.name.startsWith('hello') || f.name.startsWith('issueCredentials')),
    notes: `issueCredentials bundles ${issue?.packages
      .slice(0, 5)
      .map(([pkg, bytes]) => `${pkg} ${kb(bytes).toFixed(0)} KB`)
      .join(', ')}; other functions: ${bundles
      .filter((b) => b !== issue)
      .map(
        (b) =>
          `${b.name} ${kb(b.mjsBytes).toFixed(0)} KB, import ${median(samples.get(b.name)?.importMs ?? []).toFixed(0)} ms`,
      )
      .join('; ')};`,
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

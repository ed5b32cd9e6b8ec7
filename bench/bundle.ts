/**
 * Bundle size and cold start: `npx tsx bench/bundle.ts`.
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
 *    to JSON; SDK bundled from its CommonJS build; from its ES modules, tree-shaken), each
 *    cold-started interleaved with the hello world.
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
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { appendResult } from './support/results.js';
import { type Figure, median, printTable } from './support/stats.js';

const REPETITIONS = 7;
const GRANTS_YAML = 'config/grants.example.yaml';
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
  external: [],
  mainFields: ['module', 'main'],
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
const VARIANTS: { name: string; options: BuildOptions; yamlGrants?: boolean }[] = [
  {
    name: 'before: SDK external (runtime copy) + YAML grants',
    options: { external: ['@aws-sdk/*'], mainFields: ['main', 'module'] },
    yamlGrants: true,
  },
  {
    name: 'SDK external (runtime copy), JSON grants',
    options: { external: ['@aws-sdk/*'], mainFields: ['main', 'module'] },
  },
  {
    name: 'SDK bundled from its CommonJS build, JSON grants',
    options: { external: [], mainFields: ['main', 'module'] },
  },
  {
    name: 'now: SDK bundled from its ES modules (tree-shaken), JSON grants',
    options: { external: [], mainFields: ['module', 'main'] },
  },
];

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
      await build({
        ...esbuildOptions,
        ...variant.options,
        entryPoints: [entryPoint],
        outfile: join(dir, 'handler.mjs'),
      });
      built.push({
        fn: bundle.name,
        variant: variant.name,
        dir,
        file: 'handler.mjs',
        env: bundle.env,
        bytes: statSync(join(dir, 'handler.mjs')).size,
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
      { name: `${bundle.name} .mjs`, unit: 'KB', values: [kb(bundle.mjsBytes)] },
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
  console.log('\nBundled, by package (KB in the minified output); external: node: built-ins');
  for (const bundle of bundles) {
    const top = bundle.packages.slice(0, 8).map(([pkg, bytes]) => `${pkg} ${kb(bytes).toFixed(0)}`);
    console.log(`  ${bundle.name}: ${top.join(', ')}`);
    if (bundle.strayFiles.length > 0) {
      console.log(`  ${bundle.name}: zip also holds ${bundle.strayFiles.join(', ')}`);
    }
  }
  console.log(
    `\nOptions: whole-process CPU ratio to the hello world (median of ${REPETITIONS}), bundle size`,
  );
  const variantRows = VARIANTS.map(({ name }) => {
    const cells = variants
      .filter((v) => v.variant === name)
      .map((v) => `${v.fn} ${median(variantProcess.get(v) ?? []).toFixed(2)}× ${kb(v.bytes).toFixed(0)} KB`);
    return `${name}: ${cells.join(', ')}`;
  });
  for (const row of variantRows) console.log(`  ${row}`);
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
          `${b.name} ${kb(b.mjsBytes).toFixed(0)} KB, zip ${kb(b.zipBytes).toFixed(0)} KB, import ${median(samples.get(b.name)?.importMs ?? []).toFixed(0)} ms, process CPU ratio ${median((samples.get(b.name)?.cpuMs ?? []).map((ms, i) => ms / (helloCpu[i] ?? Number.NaN))).toFixed(2)}×`,
      )
      .join('; ')}; options (process CPU ratio, .mjs size): ${variantRows.join('; ')}`,
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

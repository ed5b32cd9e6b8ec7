/**
 * `npm run build:client`: builds the installable client into client/dist/:
 * - index.js + types/: the library (fromCredentialBroker, makeBrokerApi, …), plain ESM
 *   JavaScript with .d.ts; zod stays a dependency (its types are part of the API).
 * - broker.mjs: the `broker` command as one file for `node` (everything bundled).
 * - broker: a Node single executable application for this platform: the command bundled
 *   to CommonJS (Node 20's SEA loader runs CommonJS only), its blob injected into a copy
 *   of the running node binary with postject.
 * Needs only what `npm ci` installs: esbuild, typescript, postject.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

const require = createRequire(import.meta.url);
const clientDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(clientDir);
const dist = join(clientDir, 'dist');

/** The fuse postject flips so node runs the injected blob (documented by Node's SEA guide). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
};

/** Bundled CommonJS dependencies call require(): give the ESM output one. */
const ESM_REQUIRE_SHIM =
  "import { createRequire as __brokerCreateRequire } from 'node:module'; const require = __brokerCreateRequire(import.meta.url);";

async function buildLibrary() {
  await build({
    ...common,
    entryPoints: [join(root, 'lib/client/index.ts')],
    outfile: join(dist, 'index.js'),
    format: 'esm',
    external: ['zod'],
    banner: { js: ESM_REQUIRE_SHIM },
  });
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', join(clientDir, 'tsconfig.build.json')],
    {
      stdio: 'inherit',
    },
  );
}

async function buildCommand() {
  await build({
    ...common,
    entryPoints: [join(clientDir, 'cli-entry.ts')],
    outfile: join(dist, 'broker.mjs'),
    format: 'esm',
    banner: { js: `#!/usr/bin/env node\n${ESM_REQUIRE_SHIM}` },
  });
  await build({
    ...common,
    entryPoints: [join(clientDir, 'cli-entry.ts')],
    outfile: join(dist, 'broker.cjs'),
    format: 'cjs',
  });
}

async function buildExecutable() {
  const blob = join(dist, 'broker.blob');
  const config = join(dist, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify({ main: join(dist, 'broker.cjs'), output: blob, disableExperimentalSEAWarning: true }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });
  const executable = join(dist, 'broker');
  rmSync(executable, { force: true });
  copyFileSync(process.execPath, executable);
  const { inject } = require('postject') as {
    inject(file: string, name: string, data: Buffer, options: { sentinelFuse: string }): Promise<void>;
  };
  const { readFileSync } = await import('node:fs');
  await inject(executable, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
  rmSync(blob);
  rmSync(config);
  rmSync(join(dist, 'broker.cjs'));
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await buildLibrary();
await buildCommand();
await buildExecutable();
for (const file of ['index.js', 'broker.mjs', 'broker']) {
  const size = statSync(join(dist, file)).size;
  process.stdout.write(`${relative(root, join(dist, file))}  ${(size / 1024).toFixed(0)} KB\n`);
}

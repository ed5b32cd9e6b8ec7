/**
 * Modules named `*.build-time.ts` run when a bundle is built (config/serverless/esbuild-plugins.cjs):
 * the bundle holds their exports as JSON. The openapi function is bundled with the packaging
 * plugins, imported, and asked for its document: it must serve exactly the document the
 * contracts give, without the contracts or their converter in the bundle. A module whose
 * exports are not plain JSON data must fail the build, not be served changed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { buildContext, buildEvent } from '../support/lambda.js';
import { servedOpenApiDocument } from '../support/openapi.js';

const plugins = createRequire(import.meta.url)('../../config/serverless/esbuild-plugins.cjs') as Plugin[];
const bundleOptions: BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  mainFields: ['module', 'main'],
  plugins,
  banner: {
    js: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'silent',
  metafile: true,
};

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'broker-build-time-'));
  // The fixtures are ES modules, as the broker's are (package.json "type": "module").
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('build-time modules', () => {
  it('the bundled openapi function serves the document of the contracts, converted at build time', async () => {
    // Prepare
    const { metafile } = await build({
      ...bundleOptions,
      entryPoints: ['functions/openapi/handler.ts'],
      outfile: join(dir, 'openapi.mjs'),
    });
    Object.assign(process.env, {
      BROKER_STAGE: 'prod',
      BROKER_GRANTS_FILE: 'unused.json',
      BROKER_AUDIT_TABLE: 'credential-broker-prod-audit',
      BROKER_RATE_TABLE: 'credential-broker-prod-rate',
      BROKER_VERSION: '7.7.7',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const { handler } = (await import(pathToFileURL(join(dir, 'openapi.mjs')).href)) as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    // Act
    const response = await handler(buildEvent({ method: 'GET', path: '/v1/openapi.json' }), buildContext());
    // Assess
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(response.body), await servedOpenApiDocument('7.7.7'));
    const bundled = Object.keys(metafile?.inputs ?? {});
    assert.deepEqual(
      bundled.filter((input) => /lib\/contracts\/index\.ts$|lib\/http\/openapi\.ts$/.test(input)),
      [],
      'neither the contracts list nor the converter is in the bundle',
    );
  });

  for (const [exported, source] of [
    ['a function', 'export const when = () => 1;'],
    ['a Date', 'export const when = new Date(0);'],
    ['an undefined field', 'export const when = { at: undefined };'],
    ['a default export', 'export default 1;'],
  ] as const) {
    it(`refuses ${exported} (what the bundle would hold is not what the module computes)`, async () => {
      // Prepare
      const entry = join(dir, `refused-${exported.replaceAll(' ', '-')}.build-time.ts`);
      writeFileSync(entry, `${source}\n`);
      // Act
      const building = build({ ...bundleOptions, entryPoints: [entry], outfile: `${entry}.mjs` });
      // Assess
      await assert.rejects(building, /is not plain JSON data/);
    });
  }

  it('bundles plain JSON data as it is', async () => {
    // Prepare
    const entry = join(dir, 'plain.build-time.ts');
    writeFileSync(
      entry,
      "export const data = { list: [1, 'two', null, { nested: true }], text: '</script>' };\n",
    );
    // Act
    await build({ ...bundleOptions, entryPoints: [entry], outfile: join(dir, 'plain.mjs') });
    // Assess
    const { data } = (await import(pathToFileURL(join(dir, 'plain.mjs')).href)) as { data: unknown };
    assert.deepEqual(data, { list: [1, 'two', null, { nested: true }], text: '</script>' });
  });
});

// esbuild plugins of custom.esbuild (serverless-esbuild `plugins`), also used by bench/bundle.ts.
//
// 1. Node built-ins through require(), not import: importing `node:http` as an ES module makes
// Node build its ES module facade, which reads every export, lazy ones included, and so loads
// Node's bundled undici (fetch, WebSocket) whether or not anything uses it. On Node 24 a
// module that only imports `node:http` costs 55 ms of process CPU that way, 27 ms through
// require() (bench/bundle.ts measures the functions both ways). The bundle's
// banner defines `require` (createRequire), which esbuild's ES module output calls for these.
const { execFileSync } = require('node:child_process');
const { builtinModules } = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const NAMESPACE = 'node-builtin-by-require';
const builtins = new Set(builtinModules.filter((name) => !name.startsWith('_')));

/** @type {import('esbuild').Plugin} */
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z][a-z0-9_/]*$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      // The require() inside the stand-in module resolves as usual: an external built-in.
      if (args.namespace === NAMESPACE || !builtins.has(name)) return undefined;
      return { path: name, namespace: NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: 'js',
    }));
  },
};

// 2. Modules named `*.build-time.ts` run when the bundle is built, not at every cold start: the
// bundle holds their exports as JSON data. The OpenAPI document is one: converting every route
// contract to JSON Schema was most of the openapi function's cold start. Under tsx (tests,
// scripts) the same module runs at import, so both compute the same value from the same code.
// Each export must be plain JSON data (a function, undefined, a Date or a Map fails the build):
// what the bundle holds is then exactly what the module computes.
const EXPORTS_AS_JSON = `
const { isDeepStrictEqual } = await import('node:util');
const exports = { ...(await import(process.argv[1])) };
for (const [name, value] of Object.entries(exports)) {
  if (name === 'default' || !isDeepStrictEqual(JSON.parse(JSON.stringify(value) ?? 'null'), value)) {
    throw new Error(\`export \${name} of \${process.argv[1]} is not plain JSON data\`);
  }
}
process.stdout.write(JSON.stringify(exports));`;

/** @type {import('esbuild').Plugin} */
const buildTimeModules = {
  name: 'build-time-modules',
  setup(build) {
    build.onLoad({ filter: /\.build-time\.ts$/ }, (args) => {
      let json;
      try {
        json = execFileSync(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', EXPORTS_AS_JSON, pathToFileURL(args.path).href],
          {
            cwd: path.resolve(__dirname, '../..'),
            encoding: 'utf8',
            maxBuffer: 64 * 1024 * 1024,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
      } catch (error) {
        return { errors: [{ text: `${args.path} failed at build time: ${error.stderr || error.message}` }] };
      }
      // JSON.parse of a string literal: V8 reads large data faster that way than as an object literal.
      const exports = Object.entries(JSON.parse(json)).map(
        ([name, value]) => `export const ${name} = JSON.parse(${JSON.stringify(JSON.stringify(value))});`,
      );
      return { contents: exports.join('\n'), loader: 'js' };
    });
  },
};

module.exports = [builtinsByRequire, buildTimeModules];

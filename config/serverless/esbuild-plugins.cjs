// esbuild plugins of custom.esbuild (serverless-esbuild `plugins`), also used by bench/bundle.ts.
//
// Node built-ins through require(), not import: importing `node:http` as an ES module makes
// Node build its ES module facade, which reads every export, lazy ones included, and so loads
// Node's bundled undici (fetch, WebSocket) whether or not anything uses it. On Node 24 a
// module that only imports `node:http` costs 55 ms of process CPU that way, 27 ms through
// require() (bench/bundle.ts measures the functions both ways). The bundle's
// banner defines `require` (createRequire), which esbuild's ES module output calls for these.
const { builtinModules } = require('node:module');

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

module.exports = [builtinsByRequire];

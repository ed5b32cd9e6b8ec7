/**
 * Boundaries of the broker's code, checked by dependency-cruiser in `npm test`
 * (test/boundaries/boundaries.test.ts) and by `npm run check:boundaries`.
 * Paths are relative to the directory depcruise runs in (the repository root; the
 * negative test runs the same rules on test/fixtures/boundaries, where each rule is broken).
 */

/** Node built-ins that reach the file system, the network or other processes. */
const IO_BUILTINS = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dgram',
  'dns',
  'dns/promises',
  'child_process',
  'cluster',
  'worker_threads',
  'readline',
  'inspector',
];
const IO_BUILTIN_PATHS = `^(node:)?(${IO_BUILTINS.join('|')})$`;

/** The AWS SDK and the HTTP/signing layers under it: all of them talk to AWS. */
const AWS_SDK = '(^|/)node_modules/@aws-sdk/';

/**
 * Adapters: the broker modules that talk to AWS through the SDK. The use cases must not know
 * them: they declare ports (lib/issuance/ports.ts) and the functions wire the adapters in.
 */
const ADAPTERS = [
  '^lib/audit/(digest/)?[^/]*dynamodb[^/]*\\.ts$',
  // The digest chain's signer on KMS and its evidence export to S3.
  '^lib/audit/digest/(kms|s3)-[^/]*\\.ts$',
  '^lib/providers/(aws-|volcengine-)',
  '^lib/ratelimit/[^/]*dynamodb[^/]*\\.ts$',
  '^lib/config/[^/]*secrets?[^/]*\\.ts$',
];

/** Who may import @aws-sdk/*: the adapters, and whoever builds or finds SDK clients. */
const AWS_SDK_USERS = [
  ...ADAPTERS,
  // The caller-side SDK finds the caller's own credentials (default provider chain).
  '^lib/client/signer\\.ts$',
  // SDK clients are built once per cold start and handed to the adapters.
  '^functions/shared/',
];

/** Deployed code: what the Lambda bundles are built from. */
const PRODUCTION = '^(lib|functions)/';

/**
 * One forbidden dependency: every rule is an error (a broken boundary fails `npm test`).
 * @param {string} name
 * @param {string} comment
 * @param {import('dependency-cruiser').IFromRestriction} from
 * @param {import('dependency-cruiser').IToRestriction} to
 * @returns {import('dependency-cruiser').IForbiddenRuleType}
 */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    forbid(
      'lib-stays-inside',
      'lib/ is the core: it never imports the entry points (functions/), the local stack (local/), ' +
        'the CLI and client (cli/, client/), benchmarks, scripts, examples or tests.',
      { path: '^lib/' },
      { path: '^(functions|local|cli|client|bench|scripts|examples|test)/' },
    ),
    forbid(
      'http-not-to-issuance',
      'lib/http is the transport: it never imports the issuance use case (request facts live in lib/http).',
      { path: '^lib/http/' },
      { path: '^lib/issuance/' },
    ),
    forbid(
      'policy-imports-only-pure-code',
      'lib/policy is pure: it imports only itself and lib/json (strict JSON parsing), no package, ' +
        'no Node built-in, no other lib module.',
      { path: '^lib/policy/' },
      { pathNot: '^lib/(policy|json)/' },
    ),
    forbid(
      'policy-reaches-no-io',
      'Nothing lib/policy depends on, directly or through other modules, touches the file system, ' +
        'the network, other processes or the AWS SDK.',
      { path: '^lib/policy/' },
      { path: [IO_BUILTIN_PATHS, AWS_SDK], reachable: true },
    ),
    forbid(
      'contracts-reach-no-io',
      'The route contracts are declarations shared with the client: nothing they reach touches ' +
        'the file system, the network, other processes or the AWS SDK.',
      { path: '^lib/contracts/' },
      { path: [IO_BUILTIN_PATHS, AWS_SDK], reachable: true },
    ),
    forbid(
      'client-reaches-no-server-internals',
      'The installable client (client/cli-entry.ts, lib/client/index.ts) ships the contracts, not the ' +
        "broker's internals: nothing it reaches is a use case, an adapter, the HTTP chain, the " +
        'configuration loader, the policy engine or a function. The one exception is the pure ' +
        "digest verifier (`broker audit verify` checks the chain on the auditor's machine) and the " +
        'record shape and view it hashes: no I/O, no SDK.',
      { path: '^(client/cli-entry\\.ts|lib/client/index\\.ts)$' },
      {
        path: '^(lib/(issuance|verification|audit|providers|ratelimit|http|config|observability|policy)|functions)/',
        pathNot: '^lib/audit/(digest/(canonical|digest|signer|verify|window)|record|view)\\.ts$',
        reachable: true,
      },
    ),
    forbid(
      'use-cases-depend-on-ports',
      'The use cases (lib/issuance, lib/verification) never import an adapter, not even a type ' +
        'from one: they declare ports and the functions wire the adapters in.',
      { path: '^lib/(issuance|verification)/' },
      { path: ADAPTERS },
    ),
    forbid(
      'aws-sdk-only-in-adapters',
      'Only adapters (DynamoDB stores, STS issuers, secrets) and the client factories in ' +
        'functions/shared import @aws-sdk/*; use cases depend on ports.',
      { path: PRODUCTION, pathNot: AWS_SDK_USERS },
      { path: AWS_SDK },
    ),
    forbid(
      'no-function-imports-another',
      'Each function is its own composition root: functions/<a> never imports functions/<b> ' +
        '(functions/shared holds what they share).',
      { path: '^functions/([^/]+)/' },
      { path: '^functions/', pathNot: ['^functions/$1/', '^functions/shared/'] },
    ),
    forbid(
      'no-circular',
      'No import cycles: every module can be understood (and tested) after what it imports.',
      {},
      { circular: true },
    ),
    forbid(
      'production-not-to-dev-dependencies',
      'Deployed code (lib/, functions/) never imports a devDependency at run time ' +
        '(type-only imports vanish when compiled).',
      { path: PRODUCTION },
      { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    ),
    forbid(
      'not-to-unresolvable',
      'Every import resolves: a typo must not hide a dependency from these rules.',
      {},
      { couldNotResolve: true },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Build output, local data and the rule-breaking fixture tree are not the project's code.
    exclude: { path: '^(\\.[^./][^/]*/|dist/|coverage/|test/fixtures/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json', '.d.ts'],
    },
  },
};

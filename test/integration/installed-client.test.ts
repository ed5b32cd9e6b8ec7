/**
 * The client as a user without this repository gets it, against the real local stack:
 * built with `npm run build:client`, packed with `npm pack`, installed from the tarball
 * into a prefix in a temp folder, and run from there; and the single executable copied
 * alone into an empty folder and run with no `node` on PATH.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type StackFixture, startStackFixture } from './stack-fixture.js';

const run = promisify(execFile);
const REPO = resolve('.');
const DEV_IDENTITIES = join(REPO, 'local/dev-identities.json');
const REPORTS_ASSUMED = /^arn:aws:sts::222222222222:assumed-role\/reports-read\/reporting-service\.\w+$/;

let fixture: StackFixture;
let work: string;
let packed: { files: { path: string }[]; filename: string };

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'broker-client-'));
  // A fresh clone has no client/dist: the test builds what it runs.
  await run(process.execPath, ['--import', 'tsx', 'client/build.ts'], { cwd: REPO, maxBuffer: 1 << 24 });
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: join(REPO, 'client'),
  });
  packed = (JSON.parse(stdout) as (typeof packed)[])[0] as typeof packed;
  fixture = await startStackFixture();
});

after(async () => {
  await fixture?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Checks credential_process output against the local STS: real, usable credentials. */
async function assertUsableCredentials(stdout: string) {
  const document = JSON.parse(stdout) as Record<string, unknown>;
  assert.equal(document.Version, 1);
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: fixture.stack.awsSts.url,
    credentials: {
      accessKeyId: String(document.AccessKeyId),
      secretAccessKey: String(document.SecretAccessKey),
      sessionToken: String(document.SessionToken),
    },
  });
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  assert.match(identity.Arn ?? '', REPORTS_ASSUMED);
}

const credsArgs = () => [
  'creds',
  '--local',
  '--as',
  'reporting-service',
  '--grant',
  'reports-reader',
  '--endpoint',
  `${fixture.stack.apiUrl}/v1/`,
];

describe('the installed client package', () => {
  it('packs only the built client: no TypeScript, no server code, zod its only dependency', () => {
    // Assess
    const files = packed.files.map((file) => file.path).sort();
    assert.ok(files.includes('dist/broker.mjs'));
    assert.ok(files.includes('dist/index.js'));
    assert.ok(files.includes('dist/types/lib/client/index.d.ts'));
    assert.deepEqual(
      files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')),
      [],
    );
    assert.ok(!files.some((file) => /^(functions|local|lib|cli)\//.test(file)));
    const manifest = JSON.parse(readFileSync(join(REPO, 'client/package.json'), 'utf8'));
    assert.deepEqual(Object.keys(manifest.dependencies), ['zod']);
    assert.doesNotMatch(readFileSync(join(REPO, 'client/dist/broker.mjs'), 'utf8'), /from ["']tsx/);
  });

  it('installs from the tarball with npm install -g and runs `broker` from a folder outside the repository', async () => {
    // Prepare
    const prefix = join(work, 'prefix');
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere);
    await run(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        prefix,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        join(work, packed.filename),
      ],
      { cwd: elsewhere },
    );
    const broker = join(prefix, 'bin', 'broker');
    const env = { ...process.env, BROKER_DEV_IDENTITIES_FILE: DEV_IDENTITIES };
    // Act
    const help = await run(broker, ['--help'], { cwd: elsewhere, env });
    const creds = await run(broker, credsArgs(), { cwd: elsewhere, env });
    const grants = await run(
      broker,
      [
        'grants',
        '--local',
        '--as',
        'reporting-service',
        '--format',
        'json',
        '--endpoint',
        fixture.stack.apiUrl,
      ],
      { cwd: elsewhere, env },
    );
    const entry = join(prefix, 'lib/node_modules/@credential-broker/client/dist/index.js');
    const library = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const client = await import(${JSON.stringify(entry)}); console.log(typeof client.fromCredentialBroker, typeof client.makeBrokerApi);`,
      ],
      { cwd: elsewhere, env },
    );
    // Assess
    assert.match(help.stdout, /^Usage: broker <command>/);
    assert.equal(creds.stderr, '');
    await assertUsableCredentials(creds.stdout);
    assert.deepEqual(
      (JSON.parse(grants.stdout) as { grants: { id: string }[] }).grants.map((grant) => grant.id),
      ['reports-reader', 'tos-reader'],
    );
    assert.equal(library.stdout.trim(), 'function function');
  });
});

describe('the single executable', () => {
  it('runs `broker creds` alone in an empty folder with no node on PATH', async () => {
    // Prepare
    const folder = join(work, 'sea');
    mkdirSync(folder);
    const executable = join(folder, 'broker');
    copyFileSync(join(REPO, 'client/dist/broker'), executable);
    const env = {
      PATH: join(folder, 'no-such-bin'),
      HOME: folder,
      BROKER_DEV_IDENTITIES_FILE: DEV_IDENTITIES,
    };
    // Act
    const nodeOnPath = spawnSync('node', ['--version'], { env, cwd: folder });
    const creds = await run(executable, credsArgs(), { cwd: folder, env });
    // Assess
    assert.equal((nodeOnPath.error as NodeJS.ErrnoException | undefined)?.code, 'ENOENT');
    assert.equal(creds.stderr, '');
    await assertUsableCredentials(creds.stdout);
  });
});

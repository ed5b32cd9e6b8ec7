/**
 * Least privilege of the broker itself (invariants 9 and 12), read from what would be
 * deployed: `serverless package --stage prod` runs once into a temporary directory (no
 * AWS account needed) and the CloudFormation template and function bundles are checked.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROUTE_CONTRACTS } from '../../lib/contracts/index.js';
import { oidcPath } from '../../lib/contracts/route.js';
import { type SsmEmulator, startSsmEmulator } from '../../local/ssm-emulator/index.js';
import {
  actionsOf,
  type CfnResource,
  functionsOf,
  GRANTS_FILE,
  logGroupNameOf,
  mentionsResource,
  type PackagedService,
  packageService,
  packagingFailure,
  resourcesOf,
  roleStatements,
  type Statement,
  type Template,
} from './template-support.js';

const STAGE = 'prod';
const JWT_ISSUER = 'https://issuer.example.com';
const JWT_AUDIENCE = 'https://github.com/example-org';
/** The throttling defaults of config/serverless/params.cjs, restated: a changed default must be a decision. */
const THROTTLE = { burst: 50, rate: 25 };
/** Roles of the functions that assume granted roles: issuance, and the scheduled grant check. */
const MINTING_ROLES = new Set(['IssueCredentialsRole', 'VerifyGrantsRole']);
const SERVICE = 'credential-broker';
const EVIDENCE_OBJECTS = `\${AuditEvidenceBucket.Arn}/windows/*`;
let packaged: PackagedService;
let out: string;
let template: Template;

/** The default secret names of stage prod (config/serverless/params.cjs), each holding a sentinel. */
const SECRET_NAMES = {
  cursorKey: `/credential-broker/${STAGE}/cursor-key`,
  volcengineAccessKeyId: `/credential-broker/${STAGE}/volcengine-access-key-id`,
  volcengineSecretAccessKey: `/credential-broker/${STAGE}/volcengine-secret-access-key`,
};
const SENTINEL = 'SENTINEL-d0-not-ship-';
const KMS_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
let ssm: SsmEmulator;

before(async () => {
  // Every secret option on, with an SSM endpoint on loopback that would hand out sentinel
  // values to anything resolving a parameter at package time.
  ssm = await startSsmEmulator({
    port: 0,
    parameters: Object.fromEntries(Object.values(SECRET_NAMES).map((name) => [name, `${SENTINEL}${name}`])),
  });
  // With an OIDC issuer, so the JWT twins of the routes are packaged and checked too.
  packaged = await packageService(
    STAGE,
    [
      `--param=grantsFile=${GRANTS_FILE}`,
      `--param=jwtIssuer=${JWT_ISSUER}`,
      `--param=jwtAudience=${JWT_AUDIENCE}`,
      '--param=volcengineFromSsm=true',
      `--param=secretsKmsKeyArn=${KMS_KEY_ARN}`,
    ],
    {
      AWS_ENDPOINT_URL_SSM: ssm.url,
      AWS_ACCESS_KEY_ID: 'AKIAPACKAGINGTEST000',
      AWS_SECRET_ACCESS_KEY: 'packaging-test-not-a-secret',
      AWS_REGION: 'us-east-1',
    },
  );
  out = packaged.outDir;
  template = packaged.template;
});
after(async () => {
  packaged?.remove();
  await ssm?.stop();
});

const byType = (type: string): [string, CfnResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

const grantedRoleArns = (): string[] =>
  (
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', 'cli/check-grants.ts', '--json', GRANTS_FILE], {
        encoding: 'utf8',
      }),
    ) as { awsRoleArns: string[] }
  ).awsRoleArns;

describe('packaged prod template: IAM', () => {
  it('gives each function its own role, trusted by Lambda only, and no shared default role', () => {
    // Act
    const roles = functionsOf(template).map(({ properties }) => properties.Role);
    // Assess
    assert.ok(roles.length >= 3, 'expected the broker functions');
    const names = roles.map((role) => {
      const name = (role as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
      assert.ok(name, `Role must be Fn::GetAtt of a role in this template, got ${JSON.stringify(role)}`);
      assert.equal(template.Resources[name]?.Type, 'AWS::IAM::Role');
      return name;
    });
    assert.equal(new Set(names).size, names.length, `roles shared between functions: ${names}`);
    assert.equal(template.Resources.IamRoleLambdaExecution, undefined, 'the framework default role is back');
    for (const [name, role] of byType('AWS::IAM::Role')) {
      assert.deepEqual(
        JSON.stringify(role.Properties?.AssumeRolePolicyDocument).match(/"Principal":\{[^}]*\}/g),
        ['"Principal":{"Service":"lambda.amazonaws.com"}'],
        name,
      );
    }
  });

  it('has no "*" action and no "*" resource except the own log group\'s stream suffix', () => {
    // Act
    const statements = byType('AWS::IAM::Role').flatMap(([name, role]) =>
      roleStatements(role).map((statement) => ({ name, statement })),
    );
    // Assess
    assert.ok(statements.length > 0);
    for (const { name, statement } of statements) {
      assert.equal(statement.Effect, 'Allow', `${name}: only Allow statements are expected`);
      assert.equal(statement.NotAction, undefined, `${name}: NotAction`);
      assert.equal(statement.NotResource, undefined, `${name}: NotResource`);
      for (const action of actionsOf(statement)) {
        assert.ok(!action.includes('*'), `${name}: wildcard action ${action}`);
      }
      for (const resource of resourcesOf(statement)) {
        if (!resource.includes('*')) continue;
        // The evidence bucket's objects: S3 names objects by key, and the sealer writes one per window.
        if (resource === EVIDENCE_OBJECTS) {
          assert.equal(name, 'AuditDigestRole');
          assert.deepEqual(actionsOf(statement), ['s3:PutObject']);
          continue;
        }
        // `log-group:NAME:*` is how IAM names the streams of one log group: Lambda picks the
        // stream names, so the suffix is the narrowest grant that lets it write logs.
        const match =
          /^arn:\$\{AWS::Partition\}:logs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:log-group:([^*]+):\*$/.exec(
            resource,
          );
        assert.ok(match, `${name}: wildcard resource ${resource}`);
        assert.deepEqual(actionsOf(statement).sort(), ['logs:CreateLogStream', 'logs:PutLogEvents']);
      }
    }
  });

  it('lets each function write to its own log group only', () => {
    for (const { name, properties } of functionsOf(template)) {
      // Prepare
      const roleName = (properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      const role = template.Resources[roleName];
      assert.ok(role);
      // Act
      const logResources = roleStatements(role)
        .filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')))
        .flatMap(resourcesOf);
      // Assess
      assert.deepEqual(logResources.map(logGroupNameOf), [`/aws/lambda/${properties.FunctionName}`], name);
    }
  });

  it('allows the STS actions on exactly the role ARNs of the grants file, and only to functions that mint', () => {
    // Prepare
    const expected = grantedRoleArns();
    assert.ok(expected.length > 0, 'the example grants name AWS roles');
    // Act
    const stsStatements = byType('AWS::IAM::Role').flatMap(([name, role]) =>
      roleStatements(role)
        .filter((s) => actionsOf(s).some((a) => a.toLowerCase().startsWith('sts:')))
        .map((statement) => ({ name, statement })),
    );
    // Assess
    const holders = stsStatements.map((s) => s.name).sort();
    assert.ok(holders.includes('IssueCredentialsRole'));
    for (const holder of holders) assert.ok(MINTING_ROLES.has(holder), `${holder} may not call STS`);
    for (const { name, statement } of stsStatements) {
      assert.deepEqual(
        actionsOf(statement).sort(),
        ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
        name,
      );
      assert.deepEqual(resourcesOf(statement).sort(), [...expected].sort(), name);
    }
  });

  it('keeps the audit table append-only: PutItem, GetItem and Query at most, UpdateItem on the rate table only', () => {
    // Act
    const dynamo = byType('AWS::IAM::Role').flatMap(([name, role]) =>
      roleStatements(role)
        .filter((s) => actionsOf(s).some((a) => a.toLowerCase().startsWith('dynamodb:')))
        .map((statement) => ({ name, statement })),
    );
    // Assess
    const auditActions = new Set<string>();
    for (const { name, statement } of dynamo) {
      const onAudit = mentionsResource(statement, 'AuditTable');
      const onRate = mentionsResource(statement, 'RateTable');
      assert.ok(onAudit !== onRate, `${name}: one statement per table, got ${JSON.stringify(statement)}`);
      if (onAudit) for (const action of actionsOf(statement)) auditActions.add(action);
      if (onRate) {
        // The functions that charge a caller's rate: issuance, the auditors-only routes, the caller's own grants.
        assert.ok(
          [
            'IssueCredentialsRole',
            'AuditQueryRole',
            'ListGrantsRole',
            'AuditDigestsRole',
            'AuditPublicKeyRole',
          ].includes(name),
          name,
        );
        assert.deepEqual(actionsOf(statement), ['dynamodb:UpdateItem']);
      }
    }
    assert.deepEqual([...auditActions].sort(), ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    for (const forbidden of ['UpdateItem', 'DeleteItem', 'Scan', 'BatchWriteItem', 'PartiQLUpdate']) {
      assert.ok(!auditActions.has(`dynamodb:${forbidden}`), forbidden);
    }
  });
});

describe('packaged prod template: tables, routes, functions', () => {
  it('protects the audit table: PITR, deletion protection, SSE, retained, and all six indexes', () => {
    // Act
    const table = template.Resources.AuditTable;
    const props = table?.Properties as Record<string, unknown> & {
      GlobalSecondaryIndexes: { IndexName: string }[];
    };
    // Assess
    assert.equal(table?.DeletionPolicy, 'Retain');
    assert.deepEqual(props.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    assert.equal(props.DeletionProtectionEnabled, true);
    assert.deepEqual(props.SSESpecification, { SSEEnabled: true });
    assert.deepEqual(props.GlobalSecondaryIndexes.map((i) => i.IndexName).sort(), [
      'byAccessKey',
      'byCaller',
      'byDay',
      'byDecision',
      'byGrant',
      'byRole',
    ]);
  });

  it('expires rate counters by TTL in their own table', () => {
    // Act
    const props = template.Resources.RateTable?.Properties;
    // Assess
    assert.deepEqual(props?.TimeToLiveSpecification, { AttributeName: 'expiresAt', Enabled: true });
    assert.equal(props?.TableName, `${SERVICE}-${STAGE}-rate`);
  });

  it('puts an IAM or JWT authorizer on every HTTP route, the JWT one checking issuer and audience', () => {
    // Act
    const routes = byType('AWS::ApiGatewayV2::Route');
    // Assess
    const types = routes.map(([, route]) => route.Properties?.AuthorizationType);
    assert.ok(types.includes('AWS_IAM') && types.includes('JWT'), `route types ${types}`);
    for (const [name, route] of routes) {
      const type = route.Properties?.AuthorizationType;
      assert.ok(type === 'AWS_IAM' || type === 'JWT', `${name} has AuthorizationType ${String(type)}`);
      if (type !== 'JWT') continue;
      const authorizerName = (route.Properties?.AuthorizerId as { Ref?: string } | undefined)?.Ref ?? '';
      const authorizer = template.Resources[authorizerName]?.Properties;
      assert.equal(authorizer?.AuthorizerType, 'JWT', name);
      assert.deepEqual(authorizer?.JwtConfiguration, { Audience: [JWT_AUDIENCE], Issuer: JWT_ISSUER });
    }
  });

  it('serves every route contract on its IAM path (IAM authorizer) and its /v1/oidc/ twin (JWT authorizer)', () => {
    // Act
    const routes = new Map(
      byType('AWS::ApiGatewayV2::Route').map(([, route]) => [
        String(route.Properties?.RouteKey),
        route.Properties,
      ]),
    );
    // Assess
    for (const contract of ROUTE_CONTRACTS) {
      const iam = routes.get(`${contract.method} ${contract.path}`);
      const oidc = routes.get(`${contract.method} ${oidcPath(contract.path)}`);
      assert.equal(iam?.AuthorizationType, 'AWS_IAM', `${contract.method} ${contract.path}`);
      assert.equal(oidc?.AuthorizationType, 'JWT', `${contract.method} ${oidcPath(contract.path)}`);
    }
    // A caller's own grants are served by the grants function, beside the auditors' list.
    const target = (key: string) => JSON.stringify(routes.get(key)?.Target);
    assert.match(target('GET /v1/grants/mine'), /HttpApiIntegrationListGrants/);
    assert.equal(target('GET /v1/oidc/grants/mine'), target('GET /v1/grants'));
  });

  it('ships no local-stage code or configuration', () => {
    for (const { name, properties } of functionsOf(template)) {
      // Prepare
      const env =
        (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      // Act
      const localEnv = Object.keys(env).filter(
        (key) =>
          key === 'BROKER_DEV_IDENTITIES_FILE' ||
          key.startsWith('BROKER_LOCAL_') ||
          key.startsWith('AWS_ENDPOINT_URL'),
      );
      // Assess
      assert.ok(!String(properties.Handler).startsWith('local/'), `${name} handler ${properties.Handler}`);
      assert.deepEqual(localEnv, [], name);
      assert.equal(env.IS_OFFLINE, undefined, `${name} claims to be serverless-offline`);
      assert.equal(env.BROKER_STAGE, STAGE);
    }
    for (const zip of readdirSync(out).filter((file) => file.endsWith('.zip'))) {
      const entries = execFileSync('unzip', ['-Z1', join(out, zip)], { encoding: 'utf8' }).split('\n');
      assert.ok(!entries.some((entry) => entry.startsWith('local/')), `${zip} ships local/ files`);
      const bundle = execFileSync('unzip', ['-p', join(out, zip), '*.mjs'], {
        maxBuffer: 64 << 20,
      }).toString();
      for (const marker of [
        'BROKER_DEV_IDENTITIES_FILE',
        'BROKER_LOCAL_',
        'dev-identities',
        'local stage only',
      ]) {
        assert.ok(!bundle.includes(marker), `${zip} bundles local code (${marker})`);
      }
    }
  });

  it('throttles every route of the HTTP API stage by default (burst and rate params)', () => {
    // Act
    const stages = byType('AWS::ApiGatewayV2::Stage');
    // Assess
    assert.equal(stages.length, 1);
    const settings = stages[0]?.[1].Properties?.DefaultRouteSettings as Record<string, unknown>;
    assert.equal(settings.ThrottlingBurstLimit, THROTTLE.burst);
    assert.equal(settings.ThrottlingRateLimit, THROTTLE.rate);
  });

  it('runs every function on nodejs24.x, arm64', () => {
    // Act
    const functions = functionsOf(template);
    // Assess
    assert.ok(functions.length > 0);
    for (const { name, properties } of functions) {
      assert.equal(properties.Runtime, 'nodejs24.x', name);
      assert.deepEqual(properties.Architectures, ['arm64'], name);
    }
  });

  it('sets a retention on every log group and a reserved concurrency cap on issueCredentials', () => {
    // Act
    const groups = byType('AWS::Logs::LogGroup');
    const issue = template.Resources.IssueCredentialsLambdaFunction?.Properties;
    // Assess
    assert.equal(groups.length, functionsOf(template).length);
    for (const [name, group] of groups) {
      const days = group.Properties?.RetentionInDays;
      assert.ok(typeof days === 'number' && days > 0, `${name} keeps logs forever`);
    }
    assert.equal(issue?.ReservedConcurrentExecutions, 50);
  });
});

describe('packaging refusals', () => {
  it('refuses the local stage, whose routes have no authorizer', () => {
    // Act
    const output = packagingFailure('local');
    // Assess
    assert.match(output, /Stage "local" is for `npm start` only and is never packaged or deployed/);
  });

  it('refuses a deployed stage without --param grantsFile, naming the param', () => {
    // Act
    const output = packagingFailure('staging');
    // Assess
    assert.match(output, /Stage staging needs --param="grantsFile=<value>"/);
  });

  it('refuses an OIDC issuer without an audience: no default audience', () => {
    // Act
    const output = packagingFailure('staging', [
      `--param=grantsFile=${GRANTS_FILE}`,
      `--param=jwtIssuer=${JWT_ISSUER}`,
    ]);
    // Assess
    assert.match(output, /jwtIssuer is set, so --param="jwtAudience=<audience>" is required too/);
  });

  it('refuses a throttle that is not a positive integer', () => {
    // Act
    const output = packagingFailure('staging', [
      `--param=grantsFile=${GRANTS_FILE}`,
      '--param=throttleRateLimit=0',
    ]);
    // Assess
    assert.match(output, /param throttleRateLimit must be a positive integer/);
  });
});

describe('packaged prod template: audit evidence', () => {
  const keyPolicy = (): Statement[] =>
    (template.Resources.AuditDigestKey?.Properties?.KeyPolicy as { Statement?: Statement[] } | undefined)
      ?.Statement ?? [];
  const principalOf = (statement: Statement) =>
    JSON.stringify((statement as { Principal?: unknown }).Principal ?? null);
  const digestRole = JSON.stringify({ AWS: { 'Fn::GetAtt': ['AuditDigestRole', 'Arn'] } });

  it('schedules the sealer every 5 minutes by default, one run at a time', () => {
    // Act
    const fn = functionsOf(template).find(({ name }) => name === 'AuditDigestLambdaFunction');
    const rules = byType('AWS::Events::Rule').map(([, rule]) => rule.Properties?.ScheduleExpression);
    // Assess
    assert.ok(fn, 'the audit-digest function is packaged');
    assert.equal(fn.properties.ReservedConcurrentExecutions, 1);
    assert.ok(rules.includes('rate(5 minutes)'), `schedules ${rules}`);
  });

  it('signs with an ECC_NIST_P256 SIGN_VERIFY key that only the digest function may sign with', () => {
    // Prepare
    const key = template.Resources.AuditDigestKey;
    const statements = keyPolicy();
    // Act
    const signers = statements.filter(
      (statement) =>
        statement.Effect === 'Allow' && actionsOf(statement).some((a) => /^kms:(Sign|\*)$/i.test(a)),
    );
    const deny = statements.find((statement) => statement.Effect === 'Deny');
    // Assess
    assert.equal(key?.Properties?.KeySpec, 'ECC_NIST_P256');
    assert.equal(key?.Properties?.KeyUsage, 'SIGN_VERIFY');
    assert.equal(key?.DeletionPolicy, 'Retain');
    assert.deepEqual(signers.map(principalOf), [digestRole]);
    for (const statement of statements) {
      for (const action of actionsOf(statement)) assert.ok(action !== 'kms:*', 'no kms:* in the key policy');
    }
    assert.deepEqual(actionsOf(deny ?? {}), ['kms:Sign']);
    assert.deepEqual((deny as { Condition?: unknown })?.Condition, {
      ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': ['AuditDigestRole', 'Arn'] } },
    });
    // No role policy grants KMS on the digest key: the key policy is the only place that does.
    // (Role policies hold kms:Decrypt on the secrets' key only, through SSM: checked with the secrets.)
    for (const [name, role] of byType('AWS::IAM::Role')) {
      for (const statement of roleStatements(role).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('kms:')),
      )) {
        assert.deepEqual(actionsOf(statement), ['kms:Decrypt'], name);
        assert.ok(!JSON.stringify(statement).includes('AuditDigestKey'), name);
      }
    }
  });

  it("lets auditors read the public key: GetPublicKey for the public-key function, the sealer and the account's key administrators only", () => {
    // Act
    const readers = keyPolicy().filter(
      (statement) => statement.Effect === 'Allow' && actionsOf(statement).includes('kms:GetPublicKey'),
    );
    const publicKeyFn = functionsOf(template).find(({ name }) => name === 'AuditPublicKeyLambdaFunction');
    const env = (publicKeyFn?.properties.Environment as { Variables?: Record<string, unknown> })?.Variables;
    // Assess
    assert.deepEqual(
      readers.map(principalOf).sort(),
      [
        JSON.stringify({ AWS: { 'Fn::GetAtt': ['AuditPublicKeyRole', 'Arn'] } }),
        digestRole,
        JSON.stringify({ AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root` } }),
      ].sort(),
    );
    assert.deepEqual(env?.BROKER_DIGEST_KMS_KEY_ID, { Ref: 'AuditDigestKey' });
  });

  it('exports to a versioned bucket with Object Lock in compliance mode for 400 days, retained', () => {
    // Act
    const bucket = template.Resources.AuditEvidenceBucket;
    const props = bucket?.Properties ?? {};
    // Assess
    assert.equal(bucket?.DeletionPolicy, 'Retain');
    assert.equal(props.ObjectLockEnabled, true);
    assert.deepEqual(props.ObjectLockConfiguration, {
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } },
    });
    assert.deepEqual(props.VersioningConfiguration, { Status: 'Enabled' });
    assert.deepEqual(props.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('lets only the digest function put evidence, and nobody delete it', () => {
    // Prepare
    const policy = (template.Resources.AuditEvidenceBucketPolicy?.Properties?.PolicyDocument ?? {
      Statement: [],
    }) as { Statement: Statement[] };
    const denies = policy.Statement.filter((statement) => statement.Effect === 'Deny');
    // Act
    const deniedToAll = denies
      .filter((statement) => !(statement as { Condition?: unknown }).Condition)
      .flatMap(actionsOf);
    const putDeny = denies.find((statement) => actionsOf(statement).includes('s3:PutObject'));
    const putters = byType('AWS::IAM::Role')
      .filter(([, role]) => roleStatements(role).some((s) => actionsOf(s).some((a) => a.startsWith('s3:'))))
      .map(([name]) => name);
    // Assess
    assert.equal(policy.Statement.length, denies.length, 'the bucket policy only denies');
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutLifecycleConfiguration']) {
      assert.ok(deniedToAll.includes(action), `${action} is not denied to everyone`);
    }
    assert.equal((putDeny as { Principal?: unknown })?.Principal, '*');
    assert.deepEqual((putDeny as { Condition?: unknown })?.Condition, {
      ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': ['AuditDigestRole', 'Arn'] } },
    });
    assert.deepEqual(putters, ['AuditDigestRole']);
  });
});

describe('packaged prod template: secrets by name only', () => {
  it('holds no secret value anywhere under .serverless/, and read none at package time', () => {
    // Act
    const leaks: string[] = [];
    for (const file of readdirSync(out, { recursive: true, encoding: 'utf8' })) {
      const path = join(out, file);
      if (statSync(path).isDirectory()) continue;
      const content = file.endsWith('.zip')
        ? execFileSync('unzip', ['-p', path], { maxBuffer: 64 << 20 })
        : readFileSync(path);
      if (content.includes(SENTINEL)) leaks.push(file);
    }
    // Assess
    assert.deepEqual(leaks, []);
    assert.deepEqual(ssm.calls(), [], 'packaging called SSM');
  });

  it('gives each function the names of exactly the secrets it reads', () => {
    // Prepare
    const volcengine = {
      BROKER_VOLCENGINE_ACCESS_KEY_ID_PARAMETER: SECRET_NAMES.volcengineAccessKeyId,
      BROKER_VOLCENGINE_SECRET_ACCESS_KEY_PARAMETER: SECRET_NAMES.volcengineSecretAccessKey,
    };
    const expected: Record<string, Record<string, string>> = {
      IssueCredentialsLambdaFunction: volcengine,
      VerifyGrantsLambdaFunction: volcengine,
      AuditQueryLambdaFunction: { BROKER_CURSOR_KEY_PARAMETER: SECRET_NAMES.cursorKey },
    };
    for (const { name, properties } of functionsOf(template)) {
      // Act
      const env =
        (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      // Literal values under secret-sounding names (a KMS key reference is a Ref, not a value).
      const secretVariables = Object.fromEntries(
        Object.entries(env).filter(
          ([key, value]) => /KEY|SECRET|TOKEN|PASSWORD/.test(key) && typeof value === 'string',
        ),
      );
      // Assess
      assert.deepEqual(secretVariables, expected[name] ?? {}, name);
    }
  });

  it('lets exactly those functions read exactly those parameters, and decrypt through SSM only', () => {
    // Prepare
    const arn = (name: string) =>
      `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`;
    const volcengine = [SECRET_NAMES.volcengineAccessKeyId, SECRET_NAMES.volcengineSecretAccessKey]
      .map(arn)
      .sort();
    const expected: Record<string, string[]> = {
      IssueCredentialsRole: volcengine,
      VerifyGrantsRole: volcengine,
      AuditQueryRole: [arn(SECRET_NAMES.cursorKey)],
    };
    // Act
    const granted: Record<string, string[]> = {};
    const decrypting: Record<string, Statement[]> = {};
    for (const [name, role] of byType('AWS::IAM::Role')) {
      for (const statement of roleStatements(role)) {
        const actions = actionsOf(statement);
        if (actions.some((a) => a.toLowerCase().startsWith('ssm:'))) {
          assert.deepEqual(actions, ['ssm:GetParameter'], name);
          granted[name] = [...(granted[name] ?? []), ...resourcesOf(statement)].sort();
        }
        if (actions.some((a) => a.toLowerCase().startsWith('kms:'))) {
          decrypting[name] = [...(decrypting[name] ?? []), statement];
        }
      }
    }
    // Assess
    assert.deepEqual(granted, expected);
    assert.deepEqual(Object.keys(decrypting).sort(), Object.keys(expected).sort());
    for (const [name, statements] of Object.entries(decrypting)) {
      assert.equal(statements.length, 1, name);
      const statement = statements[0] as Statement & { Condition?: Record<string, Record<string, unknown>> };
      assert.deepEqual(actionsOf(statement), ['kms:Decrypt'], name);
      assert.deepEqual(resourcesOf(statement), [KMS_KEY_ARN], name);
      assert.deepEqual(statement.Condition?.StringEquals?.['kms:ViaService'], {
        'Fn::Sub': `ssm.\${AWS::Region}.amazonaws.com`,
      });
      const contexts = (statement.Condition?.StringEquals?.['kms:EncryptionContext:PARAMETER_ARN'] ??
        []) as unknown[];
      assert.deepEqual(contexts.map((c) => resourcesOf({ Resource: c })[0]).sort(), expected[name], name);
    }
  });
});

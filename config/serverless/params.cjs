// Every deploy parameter (`--param="name=value"` on `serverless package|deploy`): whether it
// is required, its default, and what it sets. serverless.yml and the other .cjs files read
// parameters only through this module, and the parameter table of docs/operations.md is
// checked against PARAMS by a test, so a parameter cannot be added without its row.
//
// Defaults may depend on the stage (secret parameter names). Values are strings on the
// command line; `kind` says how each one is read and checked.

// serverless prints error.stack: a trace says nothing to the person deploying, the message does.
const paramError = (message) => Object.assign(new Error(message), { stack: message });

const positiveInteger = (name, value) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw paramError(`param ${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return number;
};
const boolean = (name, value) => {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw paramError(`param ${name} must be true or false, got ${JSON.stringify(value)}`);
};
const text = (_name, value) => String(value);
const ssmName = (name, value) => {
  if (!/^\/[A-Za-z0-9_.\-/]{1,1010}$/.test(String(value))) {
    throw paramError(
      `param ${name} must be an SSM parameter name starting with /, got ${JSON.stringify(value)}`,
    );
  }
  return String(value);
};

/** name → { required?, default?, localDefault?, kind, doc } */
const PARAMS = {
  grantsFile: {
    required: true,
    localDefault: () => process.env.BROKER_GRANTS_FILE ?? 'local/grants.yaml',
    kind: text,
    doc: 'The grants file packaged with the functions; its AWS role ARNs become the only STS resources of the minting roles. `config/grants.example.yaml` only when named.',
  },
  jwtIssuer: {
    default: '',
    kind: text,
    doc: 'https URL of an OIDC issuer: adds the `/v1/oidc/…` routes behind a JWT authorizer.',
  },
  jwtAudience: {
    default: '',
    kind: text,
    doc: 'Comma-separated audiences the JWT authorizer accepts. Required when `jwtIssuer` is set; no default.',
  },
  throttleBurstLimit: {
    default: 50,
    kind: positiveInteger,
    doc: 'HTTP API stage default route throttling: burst (requests).',
  },
  throttleRateLimit: {
    default: 25,
    kind: positiveInteger,
    doc: 'HTTP API stage default route throttling: steady rate (requests per second).',
  },
  reservedConcurrency: {
    default: 50,
    kind: positiveInteger,
    doc: 'Reserved concurrency of `issueCredentials`: caps concurrent STS calls and audit writes.',
  },
  logRetentionDays: {
    default: 90,
    kind: positiveInteger,
    doc: 'Retention of every function log group, in days.',
  },
  logLevel: {
    default: 'INFO',
    localDefault: () => process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
    kind: (name, value) => {
      const level = String(value).toUpperCase();
      if (!['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'].includes(level)) {
        throw paramError(
          `param ${name} must be DEBUG, INFO, WARN, ERROR or SILENT, got ${JSON.stringify(value)}`,
        );
      }
      return level;
    },
    doc: 'Log level of every function (set as `POWERTOOLS_LOG_LEVEL`).',
  },
  alarmTopicArn: {
    default: '',
    kind: text,
    doc: 'SNS topic the CloudWatch alarms notify; without it the alarms notify nobody.',
  },
  failedRateAlarmPercent: {
    default: 5,
    kind: positiveInteger,
    doc: 'Share of failed issuances (percent) that raises the failed-rate alarm.',
  },
  verifyGrantsRate: {
    default: 'rate(1 hour)',
    kind: text,
    doc: 'Schedule of the grant check (`verifyGrants`).',
  },
  auditDigestRate: {
    default: 'rate(5 minutes)',
    kind: text,
    doc: 'Schedule of the audit sealing (`auditDigest`): each run seals the windows closed since the last.',
  },
  evidenceRetentionDays: {
    default: 400,
    kind: positiveInteger,
    doc: 'Object Lock retention (compliance mode) of each sealed window exported to the evidence bucket, in days.',
  },
  cursorKeyParameter: {
    default: (stage) => `/credential-broker/${stage}/cursor-key`,
    kind: ssmName,
    doc: 'SSM SecureString with the audit-query cursor HMAC key (≥ 32 characters), read by `auditQuery` at run time.',
  },
  volcengineFromSsm: {
    default: false,
    kind: boolean,
    doc: 'Serve Volcengine grants: the minting functions read the broker’s Volcengine AK/SK from SSM at run time.',
  },
  volcengineAccessKeyIdParameter: {
    default: (stage) => `/credential-broker/${stage}/volcengine-access-key-id`,
    kind: ssmName,
    doc: 'SSM SecureString with the Volcengine access key id (with `volcengineFromSsm=true`).',
  },
  volcengineSecretAccessKeyParameter: {
    default: (stage) => `/credential-broker/${stage}/volcengine-secret-access-key`,
    kind: ssmName,
    doc: 'SSM SecureString with the Volcengine secret access key (with `volcengineFromSsm=true`).',
  },
  volcengineRegion: {
    default: 'cn-north-1',
    kind: text,
    doc: 'Volcengine region of the STS endpoint.',
  },
  secretsKmsKeyArn: {
    default: '',
    kind: (name, value) => {
      if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(String(value))) {
        throw paramError(
          `param ${name} must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got ${JSON.stringify(value)}`,
        );
      }
      return String(value);
    },
    doc: 'Customer managed KMS key of the SecureStrings, if not the default `aws/ssm` key: the functions that read them may decrypt with it, through SSM only.',
  },
};

/** One parameter: the command line's value, else the default; a required one without value throws. */
async function readParam(resolveVariable, stage, name) {
  const spec = PARAMS[name];
  if (!spec) throw new Error(`unknown deploy param ${name} (config/serverless/params.cjs)`);
  const given = await resolveVariable(`param:${name}, null`);
  if (given !== null && given !== undefined && given !== '') return spec.kind(name, given);
  if (stage === 'local' && spec.localDefault) return spec.kind(name, spec.localDefault());
  if (spec.required) {
    throw paramError(
      `Stage ${stage} needs --param="${name}=<value>" (nothing is assumed for a deployed stage). ${spec.doc}`,
    );
  }
  const fallback = typeof spec.default === 'function' ? spec.default(stage) : spec.default;
  return fallback === '' ? '' : spec.kind(name, fallback);
}

/** The named parameters, read and checked: each .cjs file reads only what it uses. */
async function readParams(resolveVariable, names) {
  const stage = await resolveVariable('sls:stage');
  const entries = [];
  for (const name of names) entries.push([name, await readParam(resolveVariable, stage, name)]);
  return Object.fromEntries(entries);
}

/** Every parameter, for serverless.yml: `${file(./config/serverless/params.cjs):name}`. */
const resolveParams = ({ resolveVariable }) => readParams(resolveVariable, Object.keys(PARAMS));

module.exports = resolveParams;
module.exports.PARAMS = PARAMS;
module.exports.readParams = readParams;
module.exports.paramError = paramError;

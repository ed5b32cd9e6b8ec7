// The grants file compiled to JSON at package time (cli/check-grants.ts --compile): the
// functions read it at cold start without a YAML parser. Named by the content, so packagings
// of different grants files (concurrent local stacks, test copies) never share one.
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { readParams } = require('./params.cjs');

module.exports = async ({ resolveVariable }) => {
  const { grantsFile } = await readParams(resolveVariable, ['grantsFile']);
  const serviceDir = path.resolve(__dirname, '../..');
  const digest = createHash('sha256')
    .update(readFileSync(path.resolve(serviceDir, grantsFile)))
    .digest('hex')
    .slice(0, 16);
  const compiled = `.grants/grants-${digest}.json`;
  execFileSync(
    process.execPath,
    ['--import', 'tsx', 'cli/check-grants.ts', grantsFile, '--compile', compiled],
    {
      cwd: serviceDir,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return compiled;
};

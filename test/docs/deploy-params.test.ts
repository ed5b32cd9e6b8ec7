/**
 * docs/operations.md lists every deploy parameter with whether it is required and its
 * default, read from config/serverless/params.cjs: a parameter added, removed or given another
 * default without its row fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

interface ParamSpec {
  required?: boolean;
  default?: unknown;
}
const { PARAMS } = createRequire(import.meta.url)('../../config/serverless/params.cjs') as {
  PARAMS: Record<string, ParamSpec>;
};

/** `| \`name\` | required | default | meaning |` rows of the section's table. */
function documentedParams(): Map<string, { required: string; default: string }> {
  const doc = readFileSync('docs/operations.md', 'utf8');
  const section = doc.slice(doc.indexOf('\n## Deploy parameters\n'));
  const body = section.slice(0, section.indexOf('\n## ', 1));
  const rows = new Map<string, { required: string; default: string }>();
  for (const line of body.split('\n')) {
    const cells = /^\| `(\w+)` \| (yes|no) \| ([^|]+) \|/.exec(line);
    if (cells?.[1] && cells[2] && cells[3])
      rows.set(cells[1], { required: cells[2], default: cells[3].trim() });
  }
  return rows;
}

const expectedDefault = (spec: ParamSpec): string => {
  if (spec.required) return '—';
  const value = typeof spec.default === 'function' ? spec.default('<stage>') : spec.default;
  return value === '' ? 'none' : `\`${String(value)}\``;
};

describe('docs/operations.md deploy parameters', () => {
  it('lists every parameter of params.cjs, and only those, with required and default', () => {
    // Act
    const documented = documentedParams();
    // Assess
    assert.deepEqual([...documented.keys()].sort(), Object.keys(PARAMS).sort());
    for (const [name, spec] of Object.entries(PARAMS)) {
      assert.deepEqual(
        documented.get(name),
        { required: spec.required ? 'yes' : 'no', default: expectedDefault(spec) },
        name,
      );
    }
  });
});

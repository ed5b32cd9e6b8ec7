/**
 * docs/api.md is the API's reference for people: its route table, route sections and error
 * table must say what the route contracts and the error catalogue say.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ROUTE_CONTRACTS } from '../../lib/contracts/index.js';
import { oidcPath } from '../../lib/contracts/route.js';
import { ERROR_CATALOGUE } from '../../lib/errors.js';
import { sectionOf } from './markdown.js';

describe('docs: api.md matches the code', () => {
  const api = readFileSync('docs/api.md', 'utf8');
  const tableRows = (section: string) =>
    section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim().replace(/^`(.*)`$/, '$1')),
      );

  it('lists every route contract with its method, path and /v1/oidc/ twin, and nothing else', () => {
    const documented = tableRows(sectionOf(api, 'Routes')).map(
      ([method, path, twin]) => `${method} ${path} ${twin}`,
    );
    const contracts = ROUTE_CONTRACTS.map((route) => `${route.method} ${route.path} ${oidcPath(route.path)}`);
    assert.deepEqual([...documented].sort(), [...contracts].sort());
  });

  it('gives every route a section that names each problem code its contract lists', () => {
    const gaps = ROUTE_CONTRACTS.flatMap((route) => {
      const section = sectionOf(api, `\`${route.method} ${route.path}\``);
      if (section === '') return [`no section for ${route.method} ${route.path}`];
      return Object.values(route.problems)
        .flat()
        .filter((code) => !section.includes(`\`${code}\``))
        .map((code) => `${route.method} ${route.path}: ${code}`);
    });
    assert.deepEqual(gaps, []);
  });

  it('lists exactly the codes of the error catalogue, each with its status and title', () => {
    const documented = tableRows(sectionOf(api, 'Error codes')).map(([code, status, title]) => ({
      code,
      status,
      title,
    }));
    const catalogue = Object.entries(ERROR_CATALOGUE).map(([code, entry]) => ({
      code,
      status: String(entry.status),
      title: entry.title,
    }));
    const byCode = (a: { code?: string }, b: { code?: string }) => (a.code ?? '').localeCompare(b.code ?? '');
    assert.deepEqual([...documented].sort(byCode), [...catalogue].sort(byCode));
  });
});

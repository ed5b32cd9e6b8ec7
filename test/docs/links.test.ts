/**
 * The docs stand alone and stay true: every relative link and anchor in the Markdown files
 * resolves, every test title the docs quote exists in the linked test file, every npm
 * script is documented, and nothing in the repository cites a document that lives outside
 * it (the planning notes the project was built from are not part of it).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import {
  anchorsOf,
  citedTitlesOf,
  codeSpansOf,
  fenceAfterHeading,
  linksOf,
  strayTableRowsOf,
} from './markdown.js';

/** Generated, installed or local state (git's own, and every folder .gitignore names): not the project's text. */
const SKIPPED_DIRS = new Set([
  '.git',
  ...readFileSync('.gitignore', 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[\w.-]+\/$/.test(line))
    .map((line) => line.slice(0, -1)),
]);
const skipped = (name: string) => SKIPPED_DIRS.has(name) || name.startsWith('.esbuild');

function repositoryFiles(dir = '.'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = normalize(join(dir, entry.name));
    if (entry.isDirectory()) return skipped(entry.name) ? [] : repositoryFiles(path);
    return entry.isFile() ? [path] : [];
  });
}

const files = repositoryFiles();
const markdownFiles = files.filter((file) => file.endsWith('.md')).sort();
const read = (file: string) => readFileSync(file, 'utf8');
const isExternal = (href: string) => /^[a-z][a-z0-9+.-]*:/i.test(href);

/** Split `path#anchor` and resolve the path against the file that holds the link. */
function target(from: string, href: string): { path: string; anchor: string | undefined } {
  const hash = href.indexOf('#');
  const path = hash === -1 ? href : href.slice(0, hash);
  const anchor = hash === -1 ? undefined : decodeURIComponent(href.slice(hash + 1));
  return { path: path === '' ? from : normalize(join(dirname(from), decodeURIComponent(path))), anchor };
}

describe('docs: links', () => {
  it('finds the front door and the docs to check', () => {
    for (const file of [
      'README.md',
      'docs/api.md',
      'docs/configuration.md',
      'docs/operations.md',
      'docs/security.md',
    ])
      assert.ok(markdownFiles.includes(file), `${file} is missing`);
  });

  it('resolves every relative link and anchor in every Markdown file', () => {
    const broken: string[] = [];
    for (const file of markdownFiles) {
      for (const { href, line } of linksOf(read(file))) {
        if (isExternal(href)) continue;
        const { path, anchor } = target(file, href);
        if (!existsSync(path)) {
          broken.push(`${file}:${line} ${href}: no such file ${path}`);
          continue;
        }
        if (anchor === undefined || anchor === '') continue;
        if (!path.endsWith('.md') || statSync(path).isDirectory()) {
          broken.push(`${file}:${line} ${href}: an anchor into a file that has no headings`);
        } else if (!anchorsOf(read(path)).has(anchor)) {
          broken.push(`${file}:${line} ${href}: ${path} has no heading #${anchor}`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  it('names only repository paths that exist, in code spans such as `lib/errors.ts`', () => {
    // A path of the repository's own folders, with no placeholder or glob in it; build output
    // (a folder .gitignore names, such as dist/) need not exist in a fresh clone.
    const repoPath =
      /^(?:bench|bin|cli|client|config|docs|examples|functions|lib|local|scripts|test)\/[\w./-]+$/;
    const stale: string[] = [];
    for (const file of markdownFiles)
      for (const { text, line } of codeSpansOf(read(file)))
        if (repoPath.test(text) && !text.split('/').some(skipped) && !existsSync(text))
          stale.push(`${file}:${line} ${text}`);
    assert.deepEqual(stale, []);
  });

  it('quotes only test titles that exist in the linked test file', () => {
    const missing: string[] = [];
    let cited = 0;
    for (const file of markdownFiles) {
      for (const { testFile, title, line } of citedTitlesOf(read(file), (href) => target(file, href).path)) {
        cited++;
        if (!existsSync(testFile)) continue; // reported by the link check
        // Titles are string literals: compare with the source as it reads once unescaped.
        const source = read(testFile).replace(/\\(['"`])/g, '$1');
        if (!source.includes(title)) missing.push(`${file}:${line} ${testFile}: "${title}"`);
      }
    }
    assert.ok(cited > 0, 'no test title is quoted: the parser or docs/security.md changed shape');
    assert.deepEqual(missing, []);
  });
});

describe('docs: tables', () => {
  it('renders every table row written in a Markdown file inside its table', () => {
    const stray = markdownFiles.flatMap((file) =>
      strayTableRowsOf(read(file)).map((line) => `${file}:${line} is a table row outside any table`),
    );
    assert.deepEqual(stray, []);
  });

  it('finds a row cut off its table by a paragraph (the check can fail)', () => {
    const cut = ['| a | b |', '|---|---|', '| 1 | 2 |', '', 'A note.', '| 3 | 4 |'].join('\n');
    assert.deepEqual(strayTableRowsOf(cut), [6]);
    assert.deepEqual(strayTableRowsOf(['| a | b |', '|---|---|', '| 1 | 2 |', '| 3 | 4 |'].join('\n')), []);
  });
});

describe('docs: coverage of what users run', () => {
  it('documents every npm script in README.md or docs/', () => {
    const scripts = Object.keys(JSON.parse(read('package.json')).scripts as Record<string, string>);
    const docs = markdownFiles
      .filter((file) => file === 'README.md' || file.startsWith('docs/'))
      .map(read)
      .join('\n');
    const mentioned = (name: string) =>
      ['start', 'test'].includes(name) ? docs.includes(`npm ${name}`) : docs.includes(`npm run ${name}`);
    assert.deepEqual(
      scripts.filter((name) => !mentioned(name)),
      [],
      'each script needs a line in README.md (Commands) or docs/',
    );
  });

  it('names every top-level folder in the Layout of README.md', () => {
    const layout = fenceAfterHeading(read('README.md'), 'Layout');
    const named = new Set(layout.split('\n').map((line) => line.split(/\s/)[0]));
    const folders = readdirSync('.', { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !skipped(entry.name))
      .map((entry) => `${entry.name}/`);
    assert.deepEqual(
      folders.filter((folder) => !named.has(folder)),
      [],
      'each top-level folder needs a line in the Layout section of README.md',
    );
  });

  it('keeps `npm start` and `npm test` on the front door', () => {
    const readme = read('README.md');
    assert.match(readme, /npm ci && npm start/);
    assert.match(readme, /npm ci && npm test/);
  });
});

describe('docs: no reference outside the repository', () => {
  // Built from parts so that this file does not match its own patterns.
  const outsideDocs = ['SECURITY', 'REFERENCE', 'DESIGN', 'STYLE'].map((name) => `${name}.md`);
  const patterns: [string, RegExp][] = [
    ...outsideDocs.map((name): [string, RegExp] => [name, new RegExp(`\\b${name.replace('.', '\\.')}\\b`)]),
    ['the shared planning folder', new RegExp(['/work', 'shared'].join('/'))],
    ['a shared document or seed folder', new RegExp(`(?:\\.\\./)+shared/(?:[A-Z]+\\.md|${'seeds'})`)],
    ['the seeds folder', new RegExp(`\\b${'seeds'}/`)],
    ['a seed number', new RegExp(`\\b${'seed'}s? 0\\d*`, 'i')],
  ];

  it('names no outside document, folder or seed number in any file', () => {
    const hits: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(file);
      if (bytes.includes(0)) continue; // binary
      const lines = bytes.toString('utf8').split('\n');
      lines.forEach((text, index) => {
        for (const [label, pattern] of patterns)
          if (pattern.test(text))
            hits.push(`${relative('.', file)}:${index + 1} mentions ${label}: ${text.trim().slice(0, 120)}`);
      });
    }
    assert.deepEqual(hits, []);
  });

  it('recognises each outside reference it forbids (the patterns can fail)', () => {
    const samples = [
      ...outsideDocs.map((name) => `see ${name} invariant 3`),
      `read ${['/work', 'shared'].join('/')}/notes`,
      `from ../shared/${outsideDocs[1]}`,
      `${'seeds'}/000-doris.md`,
      `(${'seed'} 000)`,
      `${'Seed'} 003`,
    ];
    for (const sample of samples)
      assert.ok(
        patterns.some(([, pattern]) => pattern.test(sample)),
        `not caught: ${sample}`,
      );
    for (const allowed of [
      "from '../shared/dynamodb.js'",
      'docs/security.md',
      'fc.assert(property, { seed: 42 })',
    ])
      assert.ok(!patterns.some(([, pattern]) => pattern.test(allowed)), `caught by mistake: ${allowed}`);
  });
});

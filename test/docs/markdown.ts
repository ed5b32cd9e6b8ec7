/**
 * What the docs test needs from a Markdown file: its links, the anchors its headings get,
 * and the test titles it quotes after a link to a test file. Parsing is markdown-it's, so a
 * link-like text inside a code block or code span is not taken for a link; anchors are
 * github-slugger's, the same as GitHub renders.
 */
import GithubSlugger from 'github-slugger';
import MarkdownIt from 'markdown-it';

const markdown = new MarkdownIt({ html: true });

export interface MarkdownLink {
  href: string;
  line: number;
}

/** Every link and image target, with the 1-based line it is on. */
export function linksOf(source: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const block of markdown.parse(source, {})) {
    const line = (block.map?.[0] ?? 0) + 1;
    for (const token of block.children ?? []) {
      const href =
        token.type === 'link_open'
          ? token.attrGet('href')
          : token.type === 'image'
            ? token.attrGet('src')
            : null;
      if (typeof href === 'string') links.push({ href, line });
    }
  }
  return links;
}

/** The anchors GitHub gives the headings of a file, duplicates numbered as GitHub does. */
export function anchorsOf(source: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  const tokens = markdown.parse(source, {});
  tokens.forEach((token, index) => {
    if (token.type !== 'heading_open') return;
    const inline = tokens[index + 1];
    const text = (inline?.children ?? [])
      .filter((child) => child.type === 'text' || child.type === 'code_inline')
      .map((child) => child.content)
      .join('');
    anchors.add(slugger.slug(text));
  });
  return anchors;
}

export interface CitedTitle {
  testFile: string;
  title: string;
  line: number;
}

const LINK = /\[[^\]]*\]\(([^)\s]+)\)/g;
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;

/**
 * Titles quoted after a link to a test file, up to the next link on the line:
 * [`test/x.test.ts`](../test/x.test.ts) "title one", "title two". Read from the raw text,
 * where `\"` is still an escaped quote inside a title.
 */
export function citedTitlesOf(source: string, resolve: (href: string) => string): CitedTitle[] {
  const cited: CitedTitle[] = [];
  source.split('\n').forEach((text, index) => {
    const links = [...text.matchAll(LINK)];
    links.forEach((link, position) => {
      const href = link[1] ?? '';
      if (!/\.test\.ts$/.test(href)) return;
      const start = (link.index ?? 0) + link[0].length;
      const end = links[position + 1]?.index ?? text.length;
      for (const quoted of text.slice(start, end).matchAll(QUOTED)) {
        cited.push({
          testFile: resolve(href),
          title: (quoted[1] ?? '').replace(/\\(.)/g, '$1'),
          line: index + 1,
        });
      }
    });
  });
  return cited;
}

/** The content of the first fenced code block after the heading with this text ('' if none). */
export function fenceAfterHeading(source: string, heading: string): string {
  const tokens = markdown.parse(source, {});
  const start = tokens.findIndex(
    (token, index) => token.type === 'heading_open' && tokens[index + 1]?.content === heading,
  );
  if (start === -1) return '';
  return tokens.slice(start).find((token) => token.type === 'fence')?.content ?? '';
}

/** The text under the heading with this exact inline text, up to the next heading of its level or above. */
export function sectionOf(source: string, heading: string): string {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, '') === heading);
  if (start === -1) return '';
  const level = (lines[start]?.match(/^#+/)?.[0] ?? '#').length;
  const next = lines.findIndex(
    (line, index) => index > start && /^#{1,6} /.test(line) && (line.match(/^#+/)?.[0] ?? '').length <= level,
  );
  return lines.slice(start + 1, next === -1 ? undefined : next).join('\n');
}

/** The text of every inline code span, with its 1-based line. */
export function codeSpansOf(source: string): { text: string; line: number }[] {
  return markdown
    .parse(source, {})
    .flatMap((block) =>
      (block.children ?? [])
        .filter((token) => token.type === 'code_inline')
        .map((token) => ({ text: token.content, line: (block.map?.[0] ?? 0) + 1 })),
    );
}

/** Blocks whose lines are not prose: a table, or code and HTML kept as written. */
const RENDERED_AS_IS = new Set(['table_open', 'fence', 'code_block', 'html_block']);

/**
 * Lines written as table rows (starting with `|`) that render as no table: a paragraph put
 * between two rows ends the table there, and the rows after it show as one run of text.
 * Returns their 1-based line numbers.
 */
export function strayTableRowsOf(source: string): number[] {
  const kept = new Set<number>();
  for (const token of markdown.parse(source, {})) {
    if (!token.map || !RENDERED_AS_IS.has(token.type)) continue;
    for (let line = token.map[0]; line < token.map[1]; line++) kept.add(line);
  }
  return source
    .split('\n')
    .flatMap((text, index) => (/^\s*\|/.test(text) && !kept.has(index) ? [index + 1] : []));
}

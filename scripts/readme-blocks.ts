import * as fs from 'node:fs';
import * as path from 'node:path';

/** The ```ts blocks of a Markdown text, each with the (1-based) line its code starts on. */
export function readmeBlocks(markdown: string): Array<{ line: number; code: string }> {
  const lines = markdown.split('\n');
  const blocks: Array<{ line: number; code: string }> = [];
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    if (start < 0 && /^```ts\s*$/.test(lines[i])) {
      start = i + 1;
    } else if (start >= 0 && /^```\s*$/.test(lines[i])) {
      blocks.push({ line: start + 1, code: lines.slice(start, i).join('\n') });
      start = -1;
    }
  }
  return blocks;
}

/**
 * The pages of the guide, as paths from `root`: README.md, CHANGELOG.md (when there is one) and every
 * Markdown file of docs/, in that order (docs/ sorted by name).
 */
export function guidePages(root: string): string[] {
  const docs = path.join(root, 'docs');
  const pages = fs.existsSync(docs)
    ? fs.readdirSync(docs).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`)
    : [];
  return ['README.md', ...(fs.existsSync(path.join(root, 'CHANGELOG.md')) ? ['CHANGELOG.md'] : []), ...pages];
}

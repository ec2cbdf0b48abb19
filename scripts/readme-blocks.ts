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

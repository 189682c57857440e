import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Every relative link in the repository's Markdown reaches a file, and its #anchor a heading there.
const root = join(__dirname, '..', '..');
const pages = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((path) => path !== '' && existsSync(join(root, path)));

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

function anchorsOf(path: string) {
  const text = readFileSync(path, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf((match[1] ?? '').trim())));
}

function brokenLinks(page: string) {
  const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  const broken: string[] = [];
  for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1] ?? '';
    if (/^[a-z]+:/.test(target)) continue;
    const [file = '', anchor] = target.split('#');
    const path = file === '' ? join(root, page) : join(root, dirname(page), file);
    if (!existsSync(path)) broken.push(`${page}: ${target} (no such file)`);
    else if (anchor !== undefined && statSync(path).isFile() && !anchorsOf(path).has(anchor))
      broken.push(`${page}: ${target} (no such heading)`);
  }
  return broken;
}

describe('the Markdown pages', () => {
  test('link only to files and headings that exist', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md']));
    expect(pages.flatMap(brokenLinks)).toEqual([]);
  });

  test('the check sees a link to a missing heading', () => {
    const anchors = anchorsOf(join(root, 'README.md'));
    expect(anchors.has('quick-start')).toBe(true);
    expect(anchors.has('no-such-heading')).toBe(false);
  });
});

/** The top-level folders that mark a README's workspace layout block, as named in workspace.json. */
export interface LayoutFolders {
  components: string;
  bases: string;
  projects: string;
}

/** A line to add to the layout block: a brick or a project under its folder. */
export interface LayoutEntry {
  /** One of the layout folders, e.g. `components`. */
  folder: string;
  name: string;
  /** Written after the name in the block's description column; nothing when empty. */
  description: string;
}

/**
 * The README with `entry` listed in its workspace layout block: the fenced block holding the
 * lines `components/`, `bases/` and `projects/`, each followed by its indented entries. The new
 * line goes after the folder's last entry, its description aligned with theirs; a folder listed as
 * one comma-separated line of names (`api_app, fetch_worker_app`) gets `, <name>` appended.
 * Undefined when the README has no such block, so the caller can say it skipped it.
 */
export function addToReadmeLayout(
  readme: string,
  folders: LayoutFolders,
  entry: LayoutEntry,
): string | undefined {
  const lines = readme.split('\n');
  const block = findLayoutBlock(lines, folders);
  if (!block) return undefined;
  const header = lines.findIndex(
    (line, index) => index > block.start && index < block.end && line.startsWith(`${entry.folder}/`),
  );
  if (header === -1) return undefined;
  let last = header;
  while (last + 1 < block.end && /^ {2,}\S/.test(lines[last + 1] ?? '')) last += 1;
  const entries = lines.slice(header + 1, last + 1);
  const [only] = entries;
  if (entries.length === 1 && only !== undefined && /^ {2}[a-z0-9_]+(, [a-z0-9_]+)+$/.test(only)) {
    lines[last] = `${only}, ${entry.name}`;
  } else {
    lines.splice(last + 1, 0, entryLine(entry, descriptionColumn(entries, lines[header] ?? '')));
  }
  return lines.join('\n');
}

/** The fenced block (line indexes of its opening and closing fences) that holds all three folders. */
function findLayoutBlock(
  lines: string[],
  folders: LayoutFolders,
): { start: number; end: number } | undefined {
  let start = -1;
  for (const [index, line] of lines.entries()) {
    if (!line.startsWith('```')) continue;
    if (start === -1) {
      start = index;
      continue;
    }
    const inside = lines.slice(start + 1, index);
    const has = (folder: string) => inside.some((candidate) => candidate.startsWith(`${folder}/`));
    if (has(folders.components) && has(folders.bases) && has(folders.projects)) return { start, end: index };
    start = -1;
  }
  return undefined;
}

/** Where the existing entries start their descriptions, else two columns right of the folder's own. */
function descriptionColumn(entries: string[], header: string): number {
  for (const line of entries) {
    const match = /^( {2}\S+ +)\S/.exec(line);
    if (match?.[1]) return match[1].length;
  }
  const own = /^(\S+ +)\S/.exec(header);
  return own?.[1] ? own[1].length + 2 : 0;
}

function entryLine(entry: LayoutEntry, column: number): string {
  const name = `  ${entry.name}`;
  if (entry.description === '') return name;
  return `${name.padEnd(Math.max(column, name.length + 1))}${entry.description}`;
}

/** One line of a diff: kept, removed from the old text or added in the new one. */
export interface DiffLine {
  change: ' ' | '-' | '+';
  text: string;
}

/**
 * The lines removed and added between two texts, in order (a longest-common-subsequence diff),
 * without the unchanged ones: what an update changes, for `--dry-run`. Files here are small
 * (manifests, a README), so the quadratic table is cheap.
 */
export function changedLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // common[i][j]: length of the longest common subsequence of a[i..] and b[j..]
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      const row = common[i] as number[];
      row[j] =
        a[i] === b[j]
          ? (common[i + 1]?.[j + 1] ?? 0) + 1
          : Math.max(common[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i += 1;
      j += 1;
    } else if (i < a.length && (j === b.length || (common[i + 1]?.[j] ?? 0) >= (common[i]?.[j + 1] ?? 0))) {
      lines.push({ change: '-', text: a[i] as string });
      i += 1;
    } else {
      lines.push({ change: '+', text: b[j] as string });
      j += 1;
    }
  }
  return lines;
}

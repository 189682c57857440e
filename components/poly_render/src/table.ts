import { type RenderOptions, style, visibleLength } from './style.ts';

/** Where a cell's text sits in its column. */
export type Align = 'left' | 'center' | 'right';

/** How to lay out a table: colour, and the alignment of each column (left when not given). */
export interface TableOptions extends RenderOptions {
  /** One entry per column; missing entries are `left`. */
  align?: readonly Align[];
}

/** What separates two columns. */
export const GAP = '  ';

/** The width of each column: the widest visible text in it, ANSI codes ignored. */
export function columnWidths(rows: readonly (readonly string[])[]): number[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, visibleLength(cell));
    });
  }
  return widths;
}

function pad(text: string, width: number, align: Align): string {
  const room = Math.max(0, width - visibleLength(text));
  if (align === 'right') return ' '.repeat(room) + text;
  if (align === 'center') {
    const left = Math.floor(room / 2);
    return ' '.repeat(left) + text + ' '.repeat(room - left);
  }
  return text + ' '.repeat(room);
}

/** One line of a table: cells padded to their column and joined by two spaces, no trailing blanks. */
export function formatRow(
  cells: readonly string[],
  widths: readonly number[],
  align: readonly Align[] = [],
): string {
  return widths
    .map((width, column) => pad(cells[column] ?? '', width, align[column] ?? 'left'))
    .join(GAP)
    .trimEnd();
}

/** The rule under a header: `─` on a terminal, `-` in plain output. */
export function underline(widths: readonly number[], options: RenderOptions): string {
  const glyph = options.color ? '─' : '-';
  return style(options).dim(widths.map((width) => glyph.repeat(width)).join(GAP));
}

/** An aligned plain-text table with an underlined header; widths ignore ANSI codes, so coloured cells line up. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions,
): string {
  const widths = columnWidths([headers, ...rows]);
  const { bold } = style(options);
  const lines = [
    formatRow(
      headers.map((header) => bold(header)),
      widths,
      options.align,
    ),
    underline(widths, options),
    ...rows.map((row) => formatRow(row, widths, options.align)),
  ];
  return `${lines.join('\n')}\n`;
}

/** What every renderer takes: colour is decided by the CLI (a terminal, no NO_COLOR), only honoured here. */
export interface RenderOptions {
  /** Wrap text in ANSI colour codes, and use the Unicode glyphs `✔` and `─`; plain ASCII when false. */
  color: boolean;
}

/** Text helpers that colour when asked and return the text unchanged otherwise. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

const ESC = '\u001b[';

function wrap(open: number, close: number): (text: string) => string {
  return (text) => (text === '' ? text : `${ESC}${open}m${text}${ESC}${close}m`);
}

const colored: Style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  green: wrap(32, 39),
  cyan: wrap(36, 39),
};

const identity = (text: string): string => text;
const plain: Style = {
  bold: identity,
  dim: identity,
  red: identity,
  yellow: identity,
  green: identity,
  cyan: identity,
};

/** Colour helpers for one output: ANSI codes when `color` is true, the text unchanged when false. */
export function style(options: RenderOptions): Style {
  return options.color ? colored : plain;
}

/** The columns a text takes on a terminal: ANSI colour codes take none, each code point one. */
export function visibleLength(text: string): number {
  let length = 0;
  let index = 0;
  while (index < text.length) {
    if (text.startsWith(ESC, index)) {
      const end = text.indexOf('m', index);
      if (end !== -1) {
        index = end + 1;
        continue;
      }
    }
    const codePoint = text.codePointAt(index) ?? 0;
    index += codePoint > 0xffff ? 2 : 1;
    length += 1;
  }
  return length;
}

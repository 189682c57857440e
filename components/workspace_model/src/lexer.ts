/** The kinds of token {@link readToken} tells apart; `other` is anything an import never holds (templates, regexes). */
export type TokenKind = 'identifier' | 'string' | 'punctuator' | 'other' | 'end';

/** A token of source text: its kind and where it lies (end exclusive). */
export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
}

const NEWLINE = 10;
const SLASH = 47;
const STAR = 42;
const BACKSLASH = 92;
const BACKTICK = 96;
const DOLLAR = 36;
const OPEN_BRACE = 123;
const DOT = 46;

// After these words an expression starts, so a `/` there opens a regex rather than dividing.
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/** True for characters that continue an identifier (or a number, or a private `#name`). */
export function isIdentifierChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 57) || // 0-9
    c === 95 || // _
    c === DOLLAR ||
    c === 35 || // #
    c === BACKSLASH || // \u escapes
    (c > 127 && !isSpace(c))
  );
}

function isSpace(c: number): boolean {
  return c <= 32 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029;
}

/**
 * The end of the string literal opening at `at`. An unterminated string ends at its line's end,
 * so a stray quote (JSX text such as `Don't`) cannot swallow the rest of the file.
 */
export function skipString(source: string, at: number): number {
  const quote = source.charCodeAt(at);
  let i = at + 1;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c === quote) return i + 1;
    if (c === NEWLINE) return i;
    i += c === BACKSLASH ? (source.charCodeAt(i + 1) === 13 ? 3 : 2) : 1;
  }
  return source.length;
}

/**
 * Skips template text from `from` (just after a backtick or a substitution's closing brace) to the
 * end of the template or the next `${`; the returned index is past the backtick or past `${`.
 */
export function skipTemplateText(source: string, from: number): number {
  let i = from;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === BACKTICK) return i + 1;
    else if (c === DOLLAR && source.charCodeAt(i + 1) === OPEN_BRACE) return i + 2;
    else i += 1;
  }
  return source.length;
}

/** True when {@link skipTemplateText} stopped at a `${` rather than at the template's end. */
export function opensSubstitution(source: string, end: number): boolean {
  return source.charCodeAt(end - 1) === OPEN_BRACE && source.charCodeAt(end - 2) === DOLLAR;
}

/** The end of the regex literal opening at `at`, flags included; an unterminated one ends at its line's end. */
export function skipRegex(source: string, at: number): number {
  let i = at + 1;
  let inClass = false;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c === NEWLINE) return i;
    if (c === BACKSLASH) {
      i += source.charCodeAt(i + 1) === NEWLINE ? 1 : 2;
      continue;
    }
    if (c === 91) inClass = true;
    else if (c === 93) inClass = false;
    else if (c === SLASH && !inClass) {
      i += 1;
      while (i < source.length && isIdentifierChar(source.charCodeAt(i))) i += 1;
      return i;
    }
    i += 1;
  }
  return source.length;
}

/** The end of the `//` or `/*` comment opening at `at` (a line comment ends before its newline). */
export function skipComment(source: string, at: number): number {
  if (source.charCodeAt(at + 1) === SLASH) {
    const end = source.indexOf('\n', at + 2);
    return end === -1 ? source.length : end;
  }
  const close = source.indexOf('*/', at + 2);
  return close === -1 ? source.length : close + 2;
}

/** True when a `/` at `at` opens a comment. */
export function isCommentStart(source: string, at: number): boolean {
  const next = source.charCodeAt(at + 1);
  return next === SLASH || next === STAR;
}

/**
 * The index of the last significant character before `at`, stepping back over whitespace and
 * over the comments in `comments` (flat start/end pairs, in source order); -1 at the start.
 */
export function previousSignificant(source: string, at: number, comments: readonly number[]): number {
  let p = at - 1;
  let k = comments.length - 2;
  for (;;) {
    while (p >= 0 && isSpace(source.charCodeAt(p))) p -= 1;
    while (k >= 0 && (comments[k] as number) > p) k -= 2;
    if (p < 0 || k < 0 || (comments[k + 1] as number) <= p) return p;
    p = (comments[k] as number) - 1;
  }
}

/** The identifier ending at index `last` (inclusive). */
export function wordEndingAt(source: string, last: number): string {
  let start = last;
  while (start > 0 && isIdentifierChar(source.charCodeAt(start - 1))) start -= 1;
  return source.slice(start, last + 1);
}

/**
 * Whether a `/` at `at` (not a comment) opens a regex literal: it does where an expression
 * starts, that is after an operator, an opening bracket or a keyword such as `return`, and not
 * after a value (a name, a number, a literal, a closing bracket).
 */
export function regexAllowedAt(source: string, at: number, comments: readonly number[]): boolean {
  const p = previousSignificant(source, at, comments);
  if (p < 0) return true;
  const c = source.charCodeAt(p);
  if (isIdentifierChar(c)) return KEYWORDS_BEFORE_EXPRESSION.has(wordEndingAt(source, p));
  // ) ] } and the ends of string, template and regex literals close a value
  return !(c === 41 || c === 93 || c === 125 || c === 39 || c === 34 || c === BACKTICK || c === SLASH);
}

/**
 * Reads the token at or after `from`, skipping whitespace and comments. Only what an import
 * statement can hold is told apart; a template or a regex is `other`, which ends any import.
 */
export function readToken(source: string, from: number): Token {
  let i = from;
  const n = source.length;
  for (;;) {
    while (i < n && isSpace(source.charCodeAt(i))) i += 1;
    if (i < n && source.charCodeAt(i) === SLASH && isCommentStart(source, i)) i = skipComment(source, i);
    else break;
  }
  if (i >= n) return { kind: 'end', start: n, end: n };
  const c = source.charCodeAt(i);
  if (c === 39 || c === 34) return { kind: 'string', start: i, end: skipString(source, i) };
  if (isIdentifierChar(c)) {
    let end = i + 1;
    while (end < n && isIdentifierChar(source.charCodeAt(end))) end += 1;
    return { kind: 'identifier', start: i, end };
  }
  if (c === BACKTICK || c === SLASH) return { kind: 'other', start: i, end: i + 1 };
  if (c === DOT && source.startsWith('..', i + 1)) return { kind: 'punctuator', start: i, end: i + 3 };
  if (c === 63 && source.charCodeAt(i + 1) === DOT) return { kind: 'punctuator', start: i, end: i + 2 };
  return { kind: 'punctuator', start: i, end: i + 1 };
}

import { readToken, type Token, wordEndingAt } from './lexer.ts';

/** A module reference read from the statement at an `import`, `export` or `require`. */
export interface ImportStatement {
  /** The string literal token of the specifier. */
  specifier: Token;
  typeOnly: boolean;
  syntax: 'import' | 'export' | 'dynamic' | 'require';
  /** Where the statement's tokens end, so the scan can go on from there. */
  end: number;
}

// Members a run-time `import('x')` promise is used through; any other member means a type position.
const PROMISE_MEMBERS = new Set(['then', 'catch', 'finally']);

/** The tokens of one statement, read on demand from its first word. */
class Statement {
  private readonly tokens: Token[];
  constructor(
    private readonly source: string,
    first: Token,
  ) {
    this.tokens = [first];
  }
  token(k: number): Token {
    while (this.tokens.length <= k)
      this.tokens.push(readToken(this.source, (this.tokens.at(-1) as Token).end));
    return this.tokens[k] as Token;
  }
  text(k: number): string {
    const { start, end } = this.token(k);
    return this.source.slice(start, end);
  }
  kind(k: number): Token['kind'] {
    return this.token(k).kind;
  }
  isWord(k: number, word: string): boolean {
    return this.kind(k) === 'identifier' && this.text(k) === word;
  }
  isPunct(k: number, punct: string): boolean {
    return this.kind(k) === 'punctuator' && this.text(k) === punct;
  }
  isString(k: number): boolean {
    return this.kind(k) === 'string';
  }
  found(k: number, typeOnly: boolean, syntax: ImportStatement['syntax'], last = k): ImportStatement {
    return { specifier: this.token(k), typeOnly, syntax, end: this.token(last).end };
  }
}

function requireCall(s: Statement): ImportStatement | undefined {
  return s.isPunct(1, '(') && s.isString(2) && s.isPunct(3, ')')
    ? s.found(2, false, 'require', 3)
    : undefined;
}

function exportFrom(s: Statement): ImportStatement | undefined {
  let j = 1;
  const typeOnly = s.isWord(j, 'type') && (s.isPunct(j + 1, '{') || s.isPunct(j + 1, '*'));
  if (typeOnly) j += 1;
  if (s.isPunct(j, '*')) {
    j += 1;
    if (s.isWord(j, 'as')) j += 2;
  } else if (s.isPunct(j, '{')) {
    j += 1;
    while (!s.isPunct(j, '}')) {
      const kind = s.kind(j);
      if (kind !== 'identifier' && kind !== 'string' && !s.isPunct(j, ',')) return undefined;
      j += 1;
    }
    j += 1;
  } else return undefined;
  return s.isWord(j, 'from') && s.isString(j + 1) ? s.found(j + 1, typeOnly, 'export') : undefined;
}

function dynamicImport(s: Statement, source: string, before: number): ImportStatement | undefined {
  if (!s.isString(2)) return undefined;
  if (s.isPunct(3, ',')) return s.found(2, false, 'dynamic');
  if (!s.isPunct(3, ')')) return undefined;
  const typePosition =
    (before >= 0 && wordEndingAt(source, before) === 'typeof') ||
    (s.isPunct(4, '.') && s.kind(5) === 'identifier' && !PROMISE_MEMBERS.has(s.text(5)));
  return s.found(2, typePosition, 'dynamic', 3);
}

function staticImport(s: Statement): ImportStatement | undefined {
  if (s.isString(1)) return s.found(1, false, 'import');
  let j = 1;
  // `import type from 'x'` and `import type, { a } from 'x'` import a default binding named `type`.
  const typeOnly =
    s.isWord(j, 'type') &&
    !s.isPunct(j + 1, ',') &&
    !s.isPunct(j + 1, '=') &&
    !(s.isWord(j + 1, 'from') && s.isString(j + 2));
  if (typeOnly) j += 1;
  let braces = 0;
  for (; ; j += 1) {
    const kind = s.kind(j);
    if (kind === 'identifier') {
      if (braces === 0 && s.isWord(j, 'from') && s.isString(j + 1)) return s.found(j + 1, typeOnly, 'import');
    } else if (kind === 'punctuator') {
      if (s.isPunct(j, '{')) braces += 1;
      else if (s.isPunct(j, '}')) {
        braces -= 1;
        if (braces < 0) return undefined;
      } else if (braces === 0 && s.isPunct(j, '=')) {
        // `import x = require('x')`
        const required =
          s.isWord(j + 1, 'require') && s.isPunct(j + 2, '(') && s.isString(j + 3) && s.isPunct(j + 4, ')');
        return required ? s.found(j + 3, typeOnly, 'import', j + 4) : undefined;
      } else if (!s.isPunct(j, ',') && !s.isPunct(j, '*')) return undefined;
    } else if (!(kind === 'string' && braces > 0)) return undefined;
  }
}

/**
 * Reads the statement starting with `word` (`import`, `export` or `require`) at `at`; undefined
 * when it references no module (a local export, `import.meta`, a call with a computed argument).
 * `before` is the index of the last significant character before the word.
 */
export function readImportStatement(
  source: string,
  at: number,
  word: string,
  before: number,
): ImportStatement | undefined {
  const s = new Statement(source, { kind: 'identifier', start: at, end: at + word.length });
  if (word === 'require') return requireCall(s);
  if (word === 'export') return exportFrom(s);
  return s.isPunct(1, '(') ? dynamicImport(s, source, before) : staticImport(s);
}

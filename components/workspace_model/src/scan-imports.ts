import { type ImportStatement, readImportStatement } from './import-statement.ts';
import {
  isCommentStart,
  isIdentifierChar,
  opensSubstitution,
  previousSignificant,
  regexAllowedAt,
  skipComment,
  skipRegex,
  skipString,
  skipTemplateText,
} from './lexer.ts';

/** How a module is referenced: `import … from`, `export … from`, `import('x')`, or `require('x')`. */
export type ImportSyntax = ImportStatement['syntax'];

/** One module reference found in a source text, before it is classified. */
export interface ScannedImport {
  /** The module specifier, unquoted. */
  specifier: string;
  /** 1-based line of the specifier. */
  line: number;
  /** True when the reference disappears at run time (`import type`, `export type`, `typeof import('x')`). */
  typeOnly: boolean;
  syntax: ImportSyntax;
}

// Where the state of code can change: quotes, template and comment or regex delimiters, and the
// three words that start an import; inside a `${}` also braces, to find the brace that closes it.
// Everything between two such places is plain code, which the scan steps over in one native
// search instead of character by character. (Shared: lastIndex is set before every search.)
const LANDMARKS = /['"`/]|\b(?:import|export|require)\b/g;
const LANDMARKS_IN_SUBSTITUTION = /['"`/{}]|\b(?:import|export|require)\b/g;

function unquote(raw: string): string {
  const body = raw.slice(1, raw.length > 1 && raw.at(-1) === raw[0] ? -1 : undefined);
  if (!body.includes('\\')) return body;
  return body.replace(
    /\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g,
    (_, sequence: string) => {
      if (sequence.startsWith('u{')) return String.fromCodePoint(Number.parseInt(sequence.slice(2, -1), 16));
      if (sequence.length > 1) return String.fromCharCode(Number.parseInt(sequence.slice(1), 16));
      return sequence;
    },
  );
}

/**
 * Finds every static import and re-export, and every `import('x')` and `require('x')` with a
 * string literal, in TypeScript or JavaScript source. A lexer tracks what is code and what is a
 * comment, a string, a template (with nested `${}`) or a regex literal, so text inside those
 * never counts; a small parser reads the statement at each `import`, `export` or `require`
 * (import-statement.ts). In source order.
 */
export function scanImports(source: string): ScannedImport[] {
  const found: ScannedImport[] = [];
  const comments: number[] = [];
  // The brace depth at each open `${`, innermost last; a `}` at that depth resumes the template.
  const substitutions: number[] = [];
  let depth = 0;
  // Lines are counted lazily, forward from the last import found.
  let countedTo = 0;
  let line = 1;

  const record = ({ specifier, typeOnly, syntax }: ImportStatement): void => {
    let newline = source.indexOf('\n', countedTo);
    while (newline !== -1 && newline < specifier.start) {
      line += 1;
      newline = source.indexOf('\n', newline + 1);
    }
    countedTo = specifier.start;
    found.push({ specifier: unquote(source.slice(specifier.start, specifier.end)), line, typeOnly, syntax });
  };

  let next = source.startsWith('#!') ? Math.max(0, source.indexOf('\n')) : 0;
  for (;;) {
    const landmarks = substitutions.length === 0 ? LANDMARKS : LANDMARKS_IN_SUBSTITUTION;
    landmarks.lastIndex = next;
    const match = landmarks.exec(source);
    if (match === null) break;
    const at = match.index;
    const c = source.charCodeAt(at);
    next = at + 1;
    if (c === 39 || c === 34) next = skipString(source, at);
    else if (c === 96) next = enterTemplate(at + 1);
    else if (c === 47) {
      if (isCommentStart(source, at)) {
        next = skipComment(source, at);
        comments.push(at, next);
      } else if (regexAllowedAt(source, at, comments)) next = skipRegex(source, at);
    } else if (c === 123) depth += 1;
    else if (c === 125) {
      if (substitutions.length > 0 && substitutions[substitutions.length - 1] === depth - 1) {
        substitutions.pop();
        depth -= 1;
        next = enterTemplate(at + 1);
      } else if (depth > 0) depth -= 1;
    } else next = parseStatement(at, match[0]);
  }
  return found;

  // Skips template text from `from`; at a `${`, code resumes inside the substitution.
  function enterTemplate(from: number): number {
    const end = skipTemplateText(source, from);
    if (opensSubstitution(source, end)) {
      substitutions.push(depth);
      depth += 1;
    }
    return end;
  }

  // `word` (import, export or require) at `at`; returns where the scan goes on.
  function parseStatement(at: number, word: string): number {
    const after = at + word.length;
    if (at > 0 && isIdentifierChar(source.charCodeAt(at - 1))) return after;
    if (isIdentifierChar(source.charCodeAt(after))) return after;
    const before = previousSignificant(source, at, comments);
    // `x.import(…)`, `x?.require(…)` are calls of members, not imports (a spread `...` is not a member access)
    if (before >= 0 && source.charCodeAt(before) === 46 && source.charCodeAt(before - 1) !== 46) return after;
    const statement = readImportStatement(source, at, word, before);
    if (statement === undefined) return after;
    record(statement);
    return statement.end;
  }
}

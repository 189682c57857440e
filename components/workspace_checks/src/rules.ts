import type { Diagnostic, DiagnosticCode, Severity } from './diagnostic.ts';

/** What each check enforces and how severe a breach is; the source of `poly help check`. */
export const CHECK_RULES: Readonly<Record<DiagnosticCode, { severity: Severity; rule: string }>> = {
  P101: {
    severity: 'error',
    rule: 'a brick imports another brick other than by its package name (a deep path, a relative path that leaves the brick), or a component imports a base',
  },
  P104: { severity: 'error', rule: 'an import cycle between bricks, shown as a path `a > b > a`' },
  P105: {
    severity: 'error',
    rule: 'a name clash, or a package name that does not match its folder and namespace',
  },
  P107: { severity: 'error', rule: 'a project does not ship a brick that its bricks import (transitively)' },
  P112: { severity: 'error', rule: 'a brick lists another brick in its package.json dependencies' },
  P113: {
    severity: 'error',
    rule: "a library imported at run time by the bricks a project reaches is missing from the project's package.json, or one a brick imports is missing from the brick's",
  },
  P207: { severity: 'warning', rule: 'a project ships a brick that none of its bricks reaches' },
  P301: { severity: 'warning', rule: 'a library has different versions across projects' },
};

/** A diagnostic with the severity its code carries. */
export function diagnostic(code: DiagnosticCode, message: string, file: string, line?: number): Diagnostic {
  const severity = CHECK_RULES[code].severity;
  return line === undefined ? { code, severity, message, file } : { code, severity, message, file, line };
}

import { compareText } from '@mousetrap/workspace_model';

/** The number of a workspace rule, as `poly check` prints it. */
export type DiagnosticCode = 'P101' | 'P104' | 'P105' | 'P107' | 'P112' | 'P113' | 'P207' | 'P301';

/** An `error` fails `poly check`; a `warning` is printed and does not. */
export type Severity = 'error' | 'warning';

/** One broken rule, located in a file (relative to the workspace root) and, where it applies, a line. */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  file: string;
  /** 1-based; absent when the rule concerns the file as a whole (a package.json). */
  line?: number;
}

/** Orders diagnostics by file, line (file-wide ones first), code, then message: the same on every machine. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareText(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareText(a.code, b.code) ||
    compareText(a.message, b.message)
  );
}

import type { Diagnostic } from './diagnostic.ts';

/** Options of {@link checkVerdict}. */
export interface VerdictOptions {
  /**
   * Warnings fail the check too, for a CI that keeps the workspace free of them (`poly check --strict`).
   * @default false
   */
  strict?: boolean;
}

/** Whether a check passes, with its counts. */
export interface CheckVerdict {
  ok: boolean;
  errors: number;
  warnings: number;
}

/** Decides whether diagnostics fail the check: any error does; with `strict`, any warning too. */
export function checkVerdict(diagnostics: readonly Diagnostic[], options: VerdictOptions = {}): CheckVerdict {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return { ok: errors === 0 && (options.strict !== true || warnings === 0), errors, warnings };
}

export type { CheckVerdict, VerdictOptions } from './check-verdict.ts';
export { checkVerdict } from './check-verdict.ts';
export { checkWorkspace } from './check-workspace.ts';
export type { Diagnostic, DiagnosticCode, Severity } from './diagnostic.ts';
export { compareDiagnostics } from './diagnostic.ts';
export { CHECK_RULES } from './rules.ts';

/** One bad environment variable and what is wrong with it. */
export interface SettingsIssue {
  key: string;
  message: string;
}

/** Configuration that cannot be used; `issues` names every bad key at once. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  readonly code = 'invalid_settings';
  constructor(readonly issues: readonly SettingsIssue[]) {
    super(`invalid configuration: ${issues.map((issue) => `${issue.key} ${issue.message}`).join('; ')}`);
  }
}

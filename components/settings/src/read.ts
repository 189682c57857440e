import * as v from 'valibot';
import { SettingsError } from './errors.ts';
import type { Parsed } from './schemas.ts';

/** Environment variables as Node gives them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Parses the variables named by `fields`; throws one SettingsError naming every bad key. */
export function readFields<T extends Record<string, v.GenericSchema>>(env: Env, fields: T): Parsed<T> {
  // Every declared key is passed, present or not: valibot runs no pipe for a key that is missing.
  const input = Object.fromEntries(Object.keys(fields).map((key) => [key, env[key]]));
  const result = v.safeParse(v.object(fields), input, { abortEarly: false });
  if (result.success) return result.output as Parsed<T>;
  const issues = result.issues.map((issue) => ({
    key: String(issue.path?.[0]?.key ?? '(environment)'),
    message: issue.message,
  }));
  throw new SettingsError(issues.sort((a, b) => a.key.localeCompare(b.key)));
}

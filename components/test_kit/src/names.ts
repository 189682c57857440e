import { randomBytes } from 'node:crypto';

/**
 * A name no other test run uses, valid as a PostgreSQL schema and inside a queue name:
 * lower case letters, digits and underscores, e.g. `t_m1x2y3_ab12cd`.
 */
export function uniqueName(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

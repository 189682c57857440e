import { randomBytes } from 'node:crypto';

/**
 * A name no other test run uses, valid as a PostgreSQL schema and inside a queue name:
 * lower case letters, digits and underscores, e.g. `t_m1x2y3_ab12cd`. Under `npm test` it also
 * carries the run's id (`t_r1a2b3c_m1x2y3_ab12cd`, from MOUSETRAP_TEST_RUN), by which the run
 * finds afterwards any queue or schema a test left behind.
 */
export function uniqueName(prefix = 't'): string {
  const run = process.env.MOUSETRAP_TEST_RUN;
  return `${prefix}_${run ? `${run}_` : ''}${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

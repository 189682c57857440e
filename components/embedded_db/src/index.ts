export type { EmbeddedDatabase, EmbeddedDatabaseOptions } from './embedded-database.ts';
export { startEmbeddedDatabase } from './embedded-database.ts';
export type { EmbeddedDbErrorCode } from './errors.ts';
export { EmbeddedDbError } from './errors.ts';

export { changedFiles, changedSince } from './changed-files.ts';
export type { GitErrorCode } from './errors.ts';
export { GitError } from './errors.ts';
export type { SincePoint, TagPatterns } from './resolve-since.ts';
export { resolveSince } from './resolve-since.ts';
export type { RepositoryStart, StartRepositoryOptions } from './start-repository.ts';
export { startRepository } from './start-repository.ts';

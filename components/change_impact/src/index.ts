export type { FileLocation } from './locate-file.ts';
export { locateFile } from './locate-file.ts';
export type { ChangeImpact } from './map-changes.ts';
export { mapChanges } from './map-changes.ts';

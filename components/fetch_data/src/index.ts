export type { FetchPlaces } from './create-place-source.ts';
export { createPlaceSource } from './create-place-source.ts';
export type { FetchErrorCode } from './errors.ts';
export { FetchError } from './errors.ts';
export type { FetchOptions } from './options.ts';
export { PLACES } from './places-data.ts';

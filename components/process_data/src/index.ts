export type { ProcessDataErrorCode } from './errors.ts';
export { ProcessDataError } from './errors.ts';
export type { Place } from './place.ts';
export { PlaceSchema, PlacesSchema } from './place.ts';
export { parsePlaces, processData, summarise } from './process-data.ts';
export type { Summary } from './summary.ts';
export { SummarySchema } from './summary.ts';

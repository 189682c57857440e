import * as v from 'valibot';
import { PlaceSchema } from './place.ts';

const mean = (name: string, limit: number) =>
  v.pipe(v.number(`${name} is not a number`), v.finite(), v.minValue(-limit), v.maxValue(limit));

/** Checks a stored or received summary, so readers of results need not trust the writer. */
export const SummarySchema = v.object({
  centroid: v.tuple([mean('mean latitude', 90), mean('mean longitude', 180)]),
  most_northerly: PlaceSchema,
});

/** What a batch of places comes down to: `[mean lat, mean lon]` and the first most northerly place. */
export type Summary = v.InferOutput<typeof SummarySchema>;

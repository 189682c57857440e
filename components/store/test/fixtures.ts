import type { ResultInput } from '../src/types.ts';

/** A processed result as the processing worker stores it: two places, Oslo the most northerly. */
export const sampleResult: ResultInput = {
  centroid: [50.5, 10.25],
  most_northerly: ['60.0', '11.0', 'Oslo', 'NO', 'Europe/Oslo'],
  places: [
    ['41.0', '9.5', 'Bastia', 'FR', 'Europe/Paris'],
    ['60.0', '11.0', 'Oslo', 'NO', 'Europe/Oslo'],
  ],
};

/**
 * 03 — processing: summarise a batch of places (centroid and most northerly), then show the typed
 * error an invalid batch gives instead of NaN.
 *   npx tsx development/03-processing.ts
 */
import { createPlaceSource } from '@mousetrap/fetch_data';
import { ProcessDataError, processData } from '@mousetrap/process_data';

const places = await createPlaceSource({ delayMs: 0 })();
console.log('places:', places);
console.log('summary:', processData(places));
try {
  processData([['north', '0', 'Nowhere', 'XX', 'Etc/UTC']]);
} catch (error) {
  if (error instanceof ProcessDataError)
    console.log(`an invalid batch is refused (${error.code}): ${error.message}`);
}

/**
 * 01 — fake data: what the "external service" returns. Draws three batches of 2–8 real places
 * from the table shipped in fetch_data, as the seed's first notebook did.
 *   npx tsx development/01-fake-data.ts
 */
import { createPlaceSource, PLACES } from '@mousetrap/fetch_data';

const fetchPlaces = createPlaceSource({ delayMs: 0 });
console.log(`the table holds ${PLACES.length} places; three batches:`);
for (let batch = 1; batch <= 3; batch += 1) {
  console.log(`batch ${batch}:`, await fetchPlaces());
}

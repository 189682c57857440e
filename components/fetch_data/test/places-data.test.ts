import { PlaceSchema } from '@mousetrap/process_data';
import * as v from 'valibot';
import { PLACES } from '../src/places-data.ts';

describe('PLACES', () => {
  test('holds more than 300 rows, one per timezone', () => {
    expect(PLACES.length).toBeGreaterThan(300);
    expect(new Set(PLACES.map((place) => place[4])).size).toBe(PLACES.length);
  });

  test('every row is a valid place', () => {
    const invalid = PLACES.filter((place) => !v.is(PlaceSchema, place));
    expect(invalid).toEqual([]);
  });

  test('every coordinate has five decimals and every name is the last segment of its timezone', () => {
    for (const [lat, lon, name, , zone] of PLACES) {
      expect(lat).toMatch(/^-?\d{1,2}\.\d{5}$/);
      expect(lon).toMatch(/^-?\d{1,3}\.\d{5}$/);
      expect(name).toBe(zone.split('/').at(-1)?.replaceAll('_', ' '));
    }
  });

  test('Moscow (+554521+0373704, degrees-minutes-seconds) is at 55.75583, 37.61778', () => {
    expect(PLACES).toContainEqual(['55.75583', '37.61778', 'Moscow', 'RU', 'Europe/Moscow']);
  });

  test('Buenos Aires (-3436-05827, degrees-minutes, south and west) is at -34.60000, -58.45000', () => {
    expect(PLACES).toContainEqual([
      '-34.60000',
      '-58.45000',
      'Buenos Aires',
      'AR',
      'America/Argentina/Buenos_Aires',
    ]);
  });

  test('a timezone shared by several countries takes the first country code', () => {
    // zone1970.tab: "CH,DE,LI	+4723+00832	Europe/Zurich"
    expect(PLACES).toContainEqual(['47.38333', '8.53333', 'Zurich', 'CH', 'Europe/Zurich']);
  });
});

import * as v from 'valibot';
import { ProcessDataError } from '../src/errors.ts';
import type { Place } from '../src/place.ts';
import { processData } from '../src/process-data.ts';
import { SummarySchema } from '../src/summary.ts';

const kashira: Place = ['54.84444', '38.16694', 'Kashira', 'RU', 'Europe/Moscow'];
const moscow: Place = ['55.75583', '37.61778', 'Moscow', 'RU', 'Europe/Moscow'];
const andorra: Place = ['42.50000', '1.51667', 'Andorra', 'AD', 'Europe/Andorra'];

function errorOf(run: () => unknown): ProcessDataError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProcessDataError) return error;
    throw error;
  }
  throw new Error('expected a ProcessDataError, nothing was thrown');
}

describe('processData', () => {
  test("processData: for the seed's example batch, returns the mean lat/lon and the most northerly place", () => {
    const summary = processData([kashira, moscow, andorra]);
    expect(summary.centroid[0]).toBeCloseTo((54.84444 + 55.75583 + 42.5) / 3, 10);
    expect(summary.centroid[1]).toBeCloseTo((38.16694 + 37.61778 + 1.51667) / 3, 10);
    expect(summary.most_northerly).toEqual(moscow);
    expect(v.is(SummarySchema, summary)).toBe(true);
  });

  test('processData: when two places share the highest latitude, picks the first', () => {
    const first: Place = ['60.00000', '10.00000', 'First', 'NO', 'Europe/Oslo'];
    const second: Place = ['60.00000', '20.00000', 'Second', 'FI', 'Europe/Helsinki'];
    expect(processData([andorra, first, second]).most_northerly).toEqual(first);
    expect(processData([andorra, second, first]).most_northerly).toEqual(second);
  });

  test('processData: when the same latitude is written differently, still treats it as a tie', () => {
    const first: Place = ['60', '10', 'First', 'NO', 'Europe/Oslo'];
    const second: Place = ['60.00000', '20', 'Second', 'FI', 'Europe/Helsinki'];
    expect(processData([first, second]).most_northerly).toEqual(first);
  });

  test('processData: with negative coordinates, averages them and picks the latitude nearest the north pole', () => {
    const ushuaia: Place = ['-54.80000', '-68.30000', 'Ushuaia', 'AR', 'America/Argentina/Ushuaia'];
    const sydney: Place = ['-33.86667', '151.21667', 'Sydney', 'AU', 'Australia/Sydney'];
    const summary = processData([ushuaia, sydney]);
    expect(summary.centroid[0]).toBeCloseTo((-54.8 - 33.86667) / 2, 10);
    expect(summary.centroid[1]).toBeCloseTo((-68.3 + 151.21667) / 2, 10);
    expect(summary.most_northerly).toEqual(sydney);
  });

  test('processData: with one place, returns its coordinates as the centroid and the place itself', () => {
    expect(processData([kashira])).toEqual({ centroid: [54.84444, 38.16694], most_northerly: kashira });
  });

  test('processData: with 1000 places symmetric around a known point, the centroid is that point', () => {
    const places: Place[] = [];
    for (let i = 0; i < 500; i += 1) {
      const d = (i * 0.17) % 30;
      places.push([
        (12.34567 + d).toFixed(5),
        (-98.76543 - d).toFixed(5),
        `North ${i}`,
        'US',
        'America/Chicago',
      ]);
      places.push([
        (12.34567 - d).toFixed(5),
        (-98.76543 + d).toFixed(5),
        `South ${i}`,
        'US',
        'America/Chicago',
      ]);
    }
    const summary = processData(places);
    expect(summary.centroid[0]).toBeCloseTo(12.34567, 9);
    expect(summary.centroid[1]).toBeCloseTo(-98.76543, 9);
    const highest = Math.max(...places.map((place) => Number(place[0])));
    expect(summary.most_northerly).toEqual(places.find((place) => Number(place[0]) === highest));
  });

  test('processData: with an empty array, throws empty_batch', () => {
    const error = errorOf(() => processData([]));
    expect(error.code).toBe('empty_batch');
    expect(error.message).toMatch(/empty/);
  });

  test.each([
    ['an object', { places: [kashira] }],
    ['a string', JSON.stringify([kashira])],
    ['null', null],
    ['undefined', undefined],
  ])('processData: when the input is %s instead of an array, throws invalid_places', (_what, input) => {
    const error = errorOf(() => processData(input));
    expect(error.code).toBe('invalid_places');
    expect(error.message).toMatch(/not an array/);
  });

  test('processData: when a latitude is not numeric, throws invalid_places naming the place and field', () => {
    const error = errorOf(() => processData([kashira, ['north', '38.1', 'Nowhere', 'RU', 'Europe/Moscow']]));
    expect(error.code).toBe('invalid_places');
    expect(error.message).toContain('place 1 (lat): latitude is not a number');
  });

  test('processData: when a latitude is blank, throws invalid_places instead of reading it as 0', () => {
    const error = errorOf(() => processData([[' ', '38.1', 'Nowhere', 'RU', 'Europe/Moscow']]));
    expect(error.code).toBe('invalid_places');
    expect(error.message).toContain('place 0 (lat): latitude is not a number');
  });

  test('processData: when a latitude is beyond 90 degrees, throws invalid_places naming the place', () => {
    const error = errorOf(() =>
      processData([kashira, moscow, ['90.00001', '0', 'Beyond', 'NO', 'Arctic/Longyearbyen']]),
    );
    expect(error.code).toBe('invalid_places');
    expect(error.message).toContain('place 2 (lat): latitude is out of range');
  });

  test('processData: when a longitude is beyond 180 degrees, throws invalid_places', () => {
    const error = errorOf(() => processData([['0', '-180.5', 'Beyond', 'FJ', 'Pacific/Fiji']]));
    expect(error.code).toBe('invalid_places');
    expect(error.message).toContain('place 0 (lon): longitude is out of range');
  });

  test('processData: when a place has numbers instead of strings, throws invalid_places', () => {
    const error = errorOf(() => processData([[54.84444, 38.16694, 'Kashira', 'RU', 'Europe/Moscow']]));
    expect(error.code).toBe('invalid_places');
    expect(error.message).toContain('place 0 (lat)');
  });

  test('processData: when a place has four items, throws invalid_places naming the place', () => {
    const error = errorOf(() => processData([kashira, ['54.8', '38.1', 'Kashira', 'RU']]));
    expect(error.code).toBe('invalid_places');
    expect(error.message).toContain('place 1');
  });

  test('processData: when a place has six items, throws invalid_places naming the place', () => {
    const error = errorOf(() => processData([[...kashira, 'extra']]));
    expect(error.code).toBe('invalid_places');
    expect(error.message).toContain('place 0');
  });

  test('processData: when a batch holds more than 1000 places, throws invalid_places', () => {
    const error = errorOf(() => processData(Array.from({ length: 1001 }, () => kashira)));
    expect(error.code).toBe('invalid_places');
    expect(error.message).toMatch(/more than 1000/);
  });

  test('processData: when many places are malformed, names the first three and counts the rest', () => {
    const bad = ['x', '0', 'Bad', 'RU', 'Europe/Moscow'];
    const error = errorOf(() => processData([bad, bad, bad, bad, bad]));
    expect(error.message).toBe(
      'invalid places: place 0 (lat): latitude is not a number; place 1 (lat): latitude is not a number; ' +
        'place 2 (lat): latitude is not a number (and 2 more)',
    );
  });

  test('processData: keeps the validation issues as the cause', () => {
    const error = errorOf(() => processData([['x', '0', 'Bad', 'RU', 'Europe/Moscow']]));
    expect(Array.isArray(error.cause)).toBe(true);
  });
});

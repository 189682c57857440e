import * as v from 'valibot';
import { PlaceSchema, PlacesSchema } from '../src/place.ts';

const place = ['54.84444', '38.16694', 'Kashira', 'RU', 'Europe/Moscow'];

describe('PlaceSchema', () => {
  test('accepts the boundary coordinates 90 and -180', () => {
    expect(v.is(PlaceSchema, ['90', '-180', 'Pole', 'AQ', 'Antarctica/South_Pole'])).toBe(true);
  });

  test.each([
    ['a lowercase country code', ['54.8', '38.1', 'Kashira', 'ru', 'Europe/Moscow']],
    ['an empty place name', ['54.8', '38.1', '', 'RU', 'Europe/Moscow']],
    ['an infinite latitude', ['Infinity', '38.1', 'Kashira', 'RU', 'Europe/Moscow']],
  ])('rejects %s', (_what, candidate) => {
    expect(v.is(PlaceSchema, candidate)).toBe(false);
  });
});

describe('PlacesSchema', () => {
  test('accepts exactly 1000 places and refuses 1001', () => {
    expect(
      v.is(
        PlacesSchema,
        Array.from({ length: 1000 }, () => place),
      ),
    ).toBe(true);
    expect(
      v.is(
        PlacesSchema,
        Array.from({ length: 1001 }, () => place),
      ),
    ).toBe(false);
  });

  test('refuses an empty array', () => {
    expect(v.is(PlacesSchema, [])).toBe(false);
  });
});

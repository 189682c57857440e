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

  test.each([
    ['latitude', 0, 32, 'latitude is longer than 32 characters'],
    ['place name', 2, 200, 'place name is longer than 200 characters'],
    ['time zone', 4, 64, 'time zone is longer than 64 characters'],
  ])('takes a %s of its longest length and refuses one character more', (_what, field, longest, message) => {
    const withField = (text: string) => place.map((value, i) => (i === field ? text : value));
    // A number padded with zeros stays the number it was.
    const filler = field === 0 ? (n: number) => `54.${'8'.repeat(n - 3)}` : (n: number) => 'x'.repeat(n);
    expect(v.is(PlaceSchema, withField(filler(longest)))).toBe(true);
    expect(v.safeParse(PlaceSchema, withField(filler(longest + 1))).issues?.[0]?.message).toBe(message);
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

import * as v from 'valibot';
import { SummarySchema } from '../src/summary.ts';

const place = ['54.84444', '38.16694', 'Kashira', 'RU', 'Europe/Moscow'];

describe('SummarySchema', () => {
  test('accepts a summary in the seed shape', () => {
    expect(v.is(SummarySchema, { centroid: [54.8, 38.1], most_northerly: place })).toBe(true);
  });

  test.each([
    ['a NaN mean', { centroid: [Number.NaN, 38.1], most_northerly: place }],
    ['a mean latitude beyond 90', { centroid: [91, 38.1], most_northerly: place }],
    ['coordinates as strings', { centroid: ['54.8', '38.1'], most_northerly: place }],
    ['a malformed place', { centroid: [54.8, 38.1], most_northerly: ['54.8', '38.1'] }],
    ['no most northerly place', { centroid: [54.8, 38.1] }],
  ])('rejects a summary with %s', (_what, summary) => {
    expect(v.is(SummarySchema, summary)).toBe(false);
  });
});

import * as v from 'valibot';

const isNumeric = (text: string) => text.trim() !== '' && Number.isFinite(Number(text));

// The longest each field may be, so that the largest batch of places stays a few hundred kB:
// the seed's place names are at most 14 characters and its time zones 30 (IANA's longest, 32).
const MAX_NUMBER_LENGTH = 32;
const MAX_NAME_LENGTH = 200;
const MAX_TIME_ZONE_LENGTH = 64;

const coordinate = (name: string, limit: number) =>
  v.pipe(
    v.string(`${name} is not a string`),
    v.maxLength(MAX_NUMBER_LENGTH, `${name} is longer than ${MAX_NUMBER_LENGTH} characters`),
    v.check(isNumeric, `${name} is not a number`),
    // Valibot runs every check of a pipe; a non-number has been reported once already.
    v.check((text) => !isNumeric(text) || Math.abs(Number(text)) <= limit, `${name} is out of range`),
  );

const fields = v.strictTuple([
  coordinate('latitude', 90),
  coordinate('longitude', 180),
  v.pipe(
    v.string('place name is not a string'),
    v.minLength(1, 'place name is empty'),
    v.maxLength(MAX_NAME_LENGTH, `place name is longer than ${MAX_NAME_LENGTH} characters`),
  ),
  v.pipe(
    v.string('country code is not a string'),
    v.regex(/^[A-Z]{2}$/, 'country code is not two capital letters'),
  ),
  v.pipe(
    v.string('time zone is not a string'),
    v.minLength(1, 'time zone is empty'),
    v.maxLength(MAX_TIME_ZONE_LENGTH, `time zone is longer than ${MAX_TIME_ZONE_LENGTH} characters`),
  ),
]);

/** Checks one place as the data source sends it: five strings `[lat, lon, place, country_code, time_zone]`. */
export const PlaceSchema = v.config(
  v.pipe(
    v.array(v.unknown(), 'place is not an array'),
    // Checked first, so that a short place reads "has 4 items" rather than "time zone is not a string".
    v.length(5, (issue) => `place has ${issue.received} items, not 5`),
    fields,
  ),
  { abortPipeEarly: true },
);

/** One place: `[lat, lon, place, country_code, time_zone]`, all strings, as in the seed. */
export type Place = v.InferOutput<typeof PlaceSchema>;

/** The most places one batch may hold, so a bad source cannot hand a worker unbounded work. */
const MAX_PLACES = 1000;

/** Checks a batch of places at a trust boundary: a non-empty array of at most 1000 places. */
export const PlacesSchema = v.pipe(
  v.array(PlaceSchema, 'places is not an array'),
  v.minLength(1, 'places is empty'),
  v.maxLength(MAX_PLACES, `places holds more than ${MAX_PLACES} places`),
);

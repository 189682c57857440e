import { isPostgresUrl } from '@mousetrap/store';
import * as v from 'valibot';

/** An environment value as it arrives: a string or absent. */
export type EnvValue = string | undefined;

const present = (value: EnvValue) => (value === undefined || value.trim() === '' ? undefined : value.trim());

/** A whole number in [min, max], with a default when the variable is absent or empty. */
export const integer = (min: number, max: number, fallback: number) =>
  v.pipe(
    v.optional(v.string()),
    v.transform(present),
    v.check((text) => text === undefined || /^-?\d+$/.test(text), 'must be a whole number'),
    v.transform((text) => (text === undefined ? fallback : Number(text))),
    v.check((n) => n >= min && n <= max, `must be between ${min} and ${max}`),
  );

/** One of a fixed set of words, with a default. */
export const oneOf = <const T extends readonly [string, ...string[]]>(choices: T, fallback: T[number]) =>
  v.pipe(
    v.optional(v.string()),
    v.transform((text) => present(text) ?? fallback),
    v.check((text) => choices.includes(text), `must be one of ${choices.join(', ')}`),
    v.transform((text) => text as T[number]),
  );

/** A URL whose scheme is one of `protocols`; absent stays undefined. */
export const url = (protocols: readonly string[]) =>
  v.pipe(
    v.optional(v.string()),
    v.transform(present),
    v.check(
      (text) => text === undefined || (URL.canParse(text) && protocols.includes(new URL(text).protocol)),
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    ),
  );

/**
 * A PostgreSQL URL: one host, or a primary and its standbys comma-separated
 * (`postgres://u@h1:5432,h2:5432/db?target_session_attrs=read-write`, which `URL` alone cannot
 * parse); absent stays undefined, present is kept as written.
 */
export const postgresUrl = () =>
  v.pipe(
    v.optional(v.string()),
    v.transform(present),
    v.check(
      (text) => text === undefined || isPostgresUrl(text),
      'must be a URL starting with postgres:// or postgresql://, of one host or several separated by commas',
    ),
  );

/** A URL template with a scheme of `protocols` that must hold `placeholder`; absent stays undefined. */
export const template = (protocols: readonly string[], placeholder: string) =>
  v.pipe(
    url(protocols),
    v.check(
      (text) => text === undefined || text.includes(placeholder),
      `must contain ${placeholder}, where the id goes`,
    ),
  );

/** A number in [0, 1] (a probability), with a default. */
export const fraction = (fallback: number) =>
  v.pipe(
    v.optional(v.string()),
    v.transform(present),
    v.check(
      (text) => text === undefined || /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(text),
      'must be a number from 0 to 1',
    ),
    v.transform((text) => (text === undefined ? fallback : Number(text))),
  );

/** A comma-separated list of whole numbers in [min, max], at least one, with a default. */
export const integerList = (min: number, max: number, fallback: readonly number[]) =>
  v.pipe(
    v.optional(v.string()),
    v.transform(present),
    v.check(
      (text) => text === undefined || /^\d+(\s*,\s*\d+)*$/.test(text),
      'must be whole numbers separated by commas',
    ),
    v.transform((text) =>
      text === undefined ? [...fallback] : text.split(',').map((part) => Number(part.trim())),
    ),
    v.check((list) => list.every((n) => n >= min && n <= max), `must each be between ${min} and ${max}`),
    v.check((list) => list.length <= 20, 'must be at most 20 numbers'),
  );

/** The value every template in this workspace puts where a secret belongs. */
const PLACEHOLDER = 'CHANGE_ME';

/** What is wrong with a key's value, or undefined when it will do. */
function keyProblem(value: string, minLength: number): string | undefined {
  const key = value.trim();
  if (key === '') {
    return `is set but blank: unset it to run without a key, or set one of at least ${minLength} characters`;
  }
  if (key.toUpperCase() === PLACEHOLDER) {
    return `is the placeholder ${PLACEHOLDER}: set a key of your own, at least ${minLength} characters`;
  }
  if (key.length < minLength) return `must be at least ${minLength} characters long`;
  return undefined;
}

/**
 * A secret key (API_KEY): absent stays undefined. Set, it must not be blank, the placeholder
 * CHANGE_ME (any case) or shorter than `minLength`: each would look like protection and give
 * none, or, blank, silently give none at all.
 */
export const key = (minLength: number) =>
  v.pipe(
    v.optional(v.string()),
    v.check(
      (value) => value === undefined || keyProblem(value, minLength) === undefined,
      (issue) => keyProblem(String(issue.input), minLength) ?? 'is not a usable key',
    ),
    v.transform((value) => value?.trim()),
  );

/** Free text; absent or empty stays undefined. */
export const text = () => v.pipe(v.optional(v.string()), v.transform(present));

/** A name made of lower-case letters, digits, `_`, `.` and `-` (queue prefixes, schemas). */
export const identifier = (pattern: RegExp, fallback: string, rule: string) =>
  v.pipe(
    v.optional(v.string()),
    v.transform((value) => present(value) ?? fallback),
    v.check((value) => pattern.test(value), rule),
  );

/**
 * One URL, or several separated by commas (the nodes of a cluster), each with a scheme of
 * `protocols`; absent stays undefined, present is kept as written.
 */
export const urlList = (protocols: readonly string[]) =>
  v.pipe(
    v.optional(v.string()),
    v.transform(present),
    v.check(
      (text) => {
        if (text === undefined) return true;
        const urls = text.split(',').map((part) => part.trim());
        return urls.every((part) => URL.canParse(part) && protocols.includes(new URL(part).protocol));
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}, or several separated by commas`,
    ),
  );

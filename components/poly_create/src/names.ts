import { PolyCreateError } from './errors.ts';

/** The longest name we accept; folder, package and generated identifiers stay readable. */
export const MAX_NAME_LENGTH = 64;

/** Names that are folders or packages of every workspace, or that npm and Node treat specially. */
export const RESERVED_NAMES: readonly string[] = [
  'bases',
  'components',
  'development',
  'node_modules',
  'projects',
];

/**
 * Refuses a name that cannot be a brick, a project or a namespace: it must be snake_case
 * (`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`, like the existing bricks: no leading, trailing or doubled
 * underscore, which also makes it a valid npm name), at most {@link MAX_NAME_LENGTH} characters, and
 * not reserved. `what` names the thing in the message (`component`, `namespace`…).
 */
export function validateName(name: string, what: string, reserved: readonly string[] = RESERVED_NAMES): void {
  const fail = (why: string) => {
    throw new PolyCreateError('invalid_name', `invalid ${what} name ${JSON.stringify(name)}: ${why}`);
  };
  if (name.length === 0) fail('it is empty');
  if (name.length > MAX_NAME_LENGTH) fail(`it is longer than ${MAX_NAME_LENGTH} characters`);
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    fail('use snake_case: lowercase letters, digits and underscores, starting with a letter');
  }
  if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(name)) fail('an underscore must sit between two words');
  if (reserved.includes(name)) fail('it is reserved');
}

/** `geo_cache` → `geo-cache`: the brick's main source and test file names. */
export const kebabCase = (name: string): string => name.replaceAll('_', '-');

/** `geo_cache` → `GeoCache`: the suffix of the generated function's name. */
export const pascalCase = (name: string): string =>
  name
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

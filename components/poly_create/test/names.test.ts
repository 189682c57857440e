import { PolyCreateError } from '../src/errors.ts';
import { kebabCase, pascalCase, validateName } from '../src/names.ts';

const failure = (name: string) => {
  try {
    validateName(name, 'component');
  } catch (error) {
    return error instanceof PolyCreateError ? { code: error.code, message: error.message } : error;
  }
  return undefined;
};

describe('validateName', () => {
  test.each(['store', 'job_queue', 'run_processing_worker', 'a', 'v2', 'geo_cache_2', 'x'.repeat(64)])(
    'accepts %s',
    (name) => {
      expect(failure(name)).toBeUndefined();
    },
  );

  test.each([
    ['an empty name', '', 'it is empty'],
    ['a name of 65 characters', 'x'.repeat(65), 'longer than 64'],
    ['upper case', 'Store', 'snake_case'],
    ['kebab-case', 'job-queue', 'snake_case'],
    ['a leading digit', '2fa', 'snake_case'],
    ['a leading underscore', '_store', 'snake_case'],
    ['a scope', '@acme/store', 'snake_case'],
    ['a path', '../store', 'snake_case'],
    ['a dot', 'store.js', 'snake_case'],
    ['a space', 'job queue', 'snake_case'],
    ['a non-ASCII letter', 'störe', 'snake_case'],
    ['a trailing underscore', 'store_', 'between two words'],
    ['a doubled underscore', 'job__queue', 'between two words'],
    ['the development project', 'development', 'reserved'],
    ['node_modules', 'node_modules', 'reserved'],
    ['a brick folder', 'components', 'reserved'],
  ])('rejects %s with invalid_name, saying why', (_what, name, why) => {
    const error = failure(name) as { code: string; message: string };
    expect(error.code).toBe('invalid_name');
    expect(error.message).toContain(`invalid component name ${JSON.stringify(name)}`);
    expect(error.message).toContain(why);
  });

  test('rejects a name from the caller reserved list', () => {
    expect(() => validateName('src', 'base', ['src'])).toThrow('invalid base name "src": it is reserved');
  });
});

describe('kebabCase and pascalCase', () => {
  test('turn a snake_case name into the file name and the function-name suffix', () => {
    expect(kebabCase('run_fetch_worker')).toBe('run-fetch-worker');
    expect(pascalCase('run_fetch_worker')).toBe('RunFetchWorker');
    expect(pascalCase('geo_cache_2')).toBe('GeoCache2');
  });
});

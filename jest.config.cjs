/** One jest run for the whole workspace: every brick's test/ folder and development/test. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/components', '<rootDir>/bases', '<rootDir>/development'],
  testMatch: ['**/test/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs', ignoreDynamic: true },
      },
    ],
  },
  testTimeout: 30000,
  // Most test files wait on RabbitMQ, PostgreSQL or a child process rather than compute: 1.5 files
  // a core (3 on 2 cores) took the run from 287 s to 127 s, where jest's default (cores - 1) ran one at a time.
  maxWorkers: '150%',
  reporters: [
    'default',
    '<rootDir>/development/left-behind-reporter.cjs',
    '<rootDir>/jest-summary-reporter.cjs',
  ],
};

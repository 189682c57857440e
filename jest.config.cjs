/** One jest run for the whole workspace: every brick's test/ folder and development/test. */
const { availableParallelism } = require('node:os');

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
  // Most test files wait on RabbitMQ, PostgreSQL or a child process rather than compute: three at
  // once on our 2 cores took the run from 287 s to 127 s, where jest's default (cores - 1) ran one at
  // a time. A count: jest reads a share only up to '100%', and '150%' as 150 workers.
  maxWorkers: Math.ceil(availableParallelism() * 1.5),
  reporters: [
    'default',
    '<rootDir>/development/left-behind-reporter.cjs',
    '<rootDir>/jest-summary-reporter.cjs',
  ],
};

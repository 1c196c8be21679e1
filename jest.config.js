/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // both cores (jest's default leaves one for itself: one worker on a 2-core machine)
  maxWorkers: '100%',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  globalSetup: '<rootDir>/test/jest/tmp-setup.ts',
  globalTeardown: '<rootDir>/test/jest/tmp-teardown.ts',
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};

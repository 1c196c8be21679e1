/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  globalSetup: '<rootDir>/test/jest/tmp-setup.ts',
  globalTeardown: '<rootDir>/test/jest/tmp-teardown.ts',
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};

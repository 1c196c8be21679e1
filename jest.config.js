/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  globalSetup: '<rootDir>/test/jest/tmp-setup.js',
  globalTeardown: '<rootDir>/test/jest/tmp-teardown.js',
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};

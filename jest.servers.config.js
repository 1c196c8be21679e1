/** The real-server tests (npm run test:servers): rendered pods run as sandboxed processes; not part of `npm test`. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/servers'],
  testMatch: ['**/*.servers.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  globalSetup: '<rootDir>/test/servers/global-setup.ts',
  testTimeout: 240000,
  maxWorkers: 1,
};

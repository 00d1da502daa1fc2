// Jest runs in ESM mode (node --experimental-vm-modules) because @kubernetes/client-node is ESM-only.
// ts-jest only transpiles (tsconfig has isolatedModules); `npm run typecheck` does the type checking once.
// Unit and integration tests are two configs (not jest projects) because per-project testTimeout is ignored.
const INTEGRATION = process.env.BERTH_TEST_SUITE === 'integration';

export default {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^berth$': '<rootDir>/lib/index.ts',
    '^berth/k8s$': '<rootDir>/lib/imports/k8s.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  testEnvironment: 'node',
  ...(INTEGRATION
    ? {
        displayName: 'integration',
        testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
        globalSetup: '<rootDir>/test/integration/global-setup.ts',
        globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
        testTimeout: 300000,
      }
    : {
        displayName: 'unit',
        testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
        testTimeout: 60000,
      }),
};

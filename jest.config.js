// Jest runs in ESM mode (node --experimental-vm-modules) because @kubernetes/client-node is ESM-only.
// ts-jest only transpiles (tsconfig has isolatedModules); `npm run typecheck` does the type checking once.
const transform = { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] };
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^berth$': '<rootDir>/lib/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform,
  testEnvironment: 'node',
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
      testTimeout: 300000,
    },
  ],
};

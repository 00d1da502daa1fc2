// Jest runs in ESM mode (node --experimental-vm-modules) because @kubernetes/client-node is ESM-only.
// ts-jest only transpiles (tsconfig has isolatedModules); `npm run typecheck` does the type checking once.
// Unit, integration and reliability tests are separate configs (not jest projects) because per-project testTimeout is
// ignored.
const SUITE = process.env.BERTH_TEST_SUITE;

const suites = {
  integration: {
    displayName: 'integration',
    testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    setupFilesAfterEnv: ['<rootDir>/test/integration/matchers.ts'],
    globalSetup: '<rootDir>/test/integration/global-setup.ts',
    globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    testTimeout: 300000,
  },
  // The integration setup on the suite's own cluster (below); one trial is one test, and a trial can take minutes.
  reliability: {
    displayName: 'reliability',
    testMatch: ['<rootDir>/test/reliability/**/*.test.ts'],
    setupFilesAfterEnv: ['<rootDir>/test/integration/matchers.ts'],
    globalSetup: '<rootDir>/test/integration/global-setup.ts',
    globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    testTimeout: 600000,
  },
  unit: {
    displayName: 'unit',
    testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    testTimeout: 60000,
  },
};

if (!suites[SUITE ?? 'unit']) throw new Error(`BERTH_TEST_SUITE=${SUITE}: expected one of ${Object.keys(suites).join(', ')}`);

if (SUITE === 'reliability') {
  // The reliability suite SIGKILLs the API server of its cluster: never the shared `berth-test` that other engineers'
  // integration runs use. The integration global setup and teardown read this name.
  process.env.BERTH_TEST_CLUSTER ??= 'berth-reliability';
  if (process.env.BERTH_TEST_CLUSTER === 'berth-test') {
    throw new Error('the reliability suite kills API servers: run it on its own cluster (BERTH_TEST_CLUSTER other than berth-test)');
  }
  // One results file per run; every test file of the run adds its case to it (test/reliability/results.ts).
  process.env.BERTH_RELIABILITY_RUN ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

export default {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^berth$': '<rootDir>/lib/index.ts',
    '^berth/k8s$': '<rootDir>/lib/imports/k8s.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  testEnvironment: 'node',
  ...suites[SUITE ?? 'unit'],
};

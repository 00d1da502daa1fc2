/** The local control plane as a library: what `berth cluster` and the integration-test setup use. */
export * from './control-plane.js';
export { ensureBinaries, missingBinaries } from './build.js';
export { ANNOTATION_FAIL, ANNOTATION_IMAGE_PULL_FAIL, ANNOTATION_NEVER_READY, IMAGE_PULL_FAIL_MESSAGE, STORAGE_CLASS, criLogLine } from './kwok-config.js';
export { containerLogFiles } from './paths.js';
export { leaveTestRun, otherTestRuns, registerTestRun } from './test-runs.js';

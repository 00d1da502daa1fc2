export * from './application.js';
export * from './config.js';
export * from './env-value.js';
export * from './probe.js';
export * from './volume.js';
export * from './workload.js';
export * from './stateless-app.js';

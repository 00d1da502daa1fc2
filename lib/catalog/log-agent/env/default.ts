import type { LogAgentConfig } from '../config.js';

// Every field has a default: tail the container logs and print them to stdout.
export default {} satisfies LogAgentConfig;

import type { NginxConfig } from '../config.js';

// Every field has a default: two replicas serving the image's welcome page.
export default {} satisfies NginxConfig;

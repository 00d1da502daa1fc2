import type { KubeObject } from '../manifest-set.js';
import { ready, type Readiness } from './types.js';

/** Kinds without a readiness rule are ready once the API server has stored them. */
export function existenceReadiness(_obj: KubeObject): Readiness {
  return ready('exists');
}

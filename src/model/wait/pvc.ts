import type { KubeObject } from '../manifest-set.js';
import { failed, ready, statusOf, waiting, type Readiness } from './types.js';

/**
 * A PersistentVolumeClaim is ready when bound to a volume; `Lost` means its volume is gone and will not come back.
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#phase
 */
export function pvcReadiness(obj: KubeObject): Readiness {
  const phase = statusOf(obj).phase;
  if (phase === 'Bound') return ready('bound');
  if (phase === 'Lost') return failed('claim lost: its volume no longer exists');
  return waiting(`phase ${typeof phase === 'string' ? phase : 'unknown'}, waiting to be bound`);
}

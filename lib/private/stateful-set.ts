import * as k8s from '../imports/k8s-lib.js';

/**
 * A StatefulSet whose volumeClaimTemplates carry the fields the API server fills in: apiVersion, kind and
 * status.phase of each claim (volumeMode is in the typed spec). The list is atomic, so a list without them differs
 * from the stored one as a whole, and `kubectl diff --server-side` (another field manager) conflicts with berth
 * over it. With them, file and cluster agree. The typed props have no apiVersion, kind or status for a claim and
 * their rendering drops unknown fields (JSON patches included), so they are added to the rendered JSON.
 */
export class StatefulSetWithClaimDefaults extends k8s.KubeStatefulSet {
  override toJson(): any {
    const json = super.toJson();
    const claims = json.spec?.volumeClaimTemplates as Array<Record<string, unknown>> | undefined;
    if (claims) {
      json.spec.volumeClaimTemplates = claims.map((claim) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...claim, status: { phase: 'Pending' } }));
    }
    return json;
  }
}

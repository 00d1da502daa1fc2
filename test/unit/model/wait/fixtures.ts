import type { KubeObject } from '../../../../src/model/manifest-set.js';

/** A live object as the API server returns it, with the given spec and status. */
export function live(apiVersion: string, kind: string, fields: { generation?: number; spec?: object; status?: object }): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name: 'shop-api', namespace: 'dev', generation: fields.generation ?? 2 },
    spec: fields.spec ?? {},
    status: fields.status ?? {},
  };
}

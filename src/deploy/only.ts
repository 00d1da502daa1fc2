import { UserError } from '../errors.js';
import type { Revision } from '../model/revision.js';
import { LABEL_NAME, sortObjects, type KubeObject, type ManifestSet } from '../model/manifest-set.js';

/** Parses `--only api,worker` into service names (trimmed, no empties, no duplicates). */
export function parseOnly(value: string): string[] {
  return [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
}

/**
 * `--only` name of the objects no service claims (escape-hatch objects at the Application root): not a DNS label, so
 * no service can have it; the same name as their synth file, `_release.yaml`.
 */
export const RELEASE_LEVEL = '_release';

/**
 * The desired state of a partial deploy (`deploy --only api,worker`): the selected services as rendered now,
 * every other object exactly as the last deployed revision has it. The plan then finds those unchanged, so the
 * other services are neither written nor pruned, and the new revision still records the whole release.
 * `_release` selects the release-level objects (no service's label).
 */
export function restrictToServices(set: ManifestSet, only: readonly string[], last: Revision | undefined): ManifestSet {
  const services = set.services.map((s) => s.name);
  const known = [...services, RELEASE_LEVEL];
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UserError(`--only names ${unknown.length === 1 ? 'a service' : 'services'} the app ${set.app} does not have: ${unknown.join(', ')}`, {
      hint: `services of ${set.app}: ${known.join(', ')}`,
    });
  }
  if (only.length === 0) throw new UserError('--only needs at least one service name', { hint: `services of ${set.app}: ${known.join(', ')}` });
  if (!last) {
    throw new UserError(`release ${set.namespace}/${set.release} has no deployed revision, so --only has nothing to keep the other services at`, {
      hint: 'deploy the whole release once without --only',
    });
  }
  const groupOf = (o: KubeObject) => {
    const service = o.metadata.labels?.[LABEL_NAME];
    return service !== undefined && services.includes(service) ? service : RELEASE_LEVEL;
  };
  const selected = (o: KubeObject) => only.includes(groupOf(o));
  const objects = [...set.objects.filter(selected), ...last.manifests.filter((o) => !selected(o))];
  return {
    ...set,
    services: set.services.map((s) => (only.includes(s.name) ? s : (last.services.find((p) => p.name === s.name) ?? s))),
    objects: sortObjects(objects),
  };
}

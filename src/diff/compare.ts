import { isDeepStrictEqual } from 'node:util';
import { computeWaves, summarize, type Plan, type PlannedChange } from '../model/plan.js';
import { LABEL_NAME, objectKey, objectRef, sortObjects, type KubeObject, type ManifestSet } from '../model/manifest-set.js';
import { configChanges } from '../model/config-diff.js';
import { objectDiff, type ObjectDiffOptions } from '../model/object-diff.js';

/**
 * Per-object changes from one list of objects to another, by identity (`objectKey`): creates and updates in
 * the order of `after`, then deletes in reverse apply order. No cluster involved.
 */
export function compareObjects(before: readonly KubeObject[], after: readonly KubeObject[], options: ObjectDiffOptions = {}): PlannedChange[] {
  const old = new Map(before.map((o) => [objectKey(o), o]));
  const changes: PlannedChange[] = [];
  const change = (action: PlannedChange['action'], object: KubeObject, diff: string): PlannedChange => ({
    action,
    key: objectKey(object),
    ref: objectRef(object),
    service: object.metadata.labels?.[LABEL_NAME],
    object,
    diff,
  });
  for (const obj of after) {
    const prev = old.get(objectKey(obj));
    if (!prev) changes.push(change('create', obj, objectDiff(undefined, obj, options)));
    else if (isDeepStrictEqual(prev, obj)) changes.push(change('unchanged', obj, ''));
    else changes.push(change('update', obj, objectDiff(prev, obj, options)));
  }
  const afterKeys = new Set(after.map(objectKey));
  const removed = sortObjects([...old.values()].filter((o) => !afterKeys.has(objectKey(o)))).reverse();
  for (const obj of removed) changes.push(change('delete', obj, objectDiff(obj, undefined, options)));
  return changes;
}

/**
 * Compares two renderings of a release without a cluster (e.g. a git revision against the working tree).
 * The result has the shape of a deploy Plan so the same renderers print it; there is no live state, so no
 * ownership conflicts and no prune reasons.
 */
export function compareManifestSets(
  before: ManifestSet | undefined,
  after: ManifestSet,
  options: ObjectDiffOptions & { readonly secretPaths?: readonly string[] } = {},
): Plan {
  const changes = compareObjects(before?.objects ?? [], after.objects, options);
  return {
    release: after.release,
    namespace: after.namespace,
    app: after.app,
    version: after.version,
    env: after.env,
    changes,
    conflicts: [],
    kept: [],
    waves: computeWaves(after.services),
    ...summarize(changes),
    config: configChanges(before?.config ?? {}, after.config ?? {}, options.secretPaths ?? []),
  };
}

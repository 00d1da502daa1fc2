import pLimit from 'p-limit';
import { namespaceExists, type KubeApi } from '../model/kube-api.js';
import { definedKinds, groupKind, hasClusterScoped, LABEL_INSTANCE, objectKey, objectRef, type KubeObject, type ManifestSet } from '../model/manifest-set.js';
import { ClusterError, UserError } from '../errors.js';
import { appliedByRelease, ownerOf, releaseId, type LiveState } from '../model/plan.js';
import { ownsAllFields, sameJson } from '../model/managed-fields.js';
import { scrubObject } from '../model/secret-data.js';

/** Requests in flight at once against the API server while reading state or applying (`BERTH_API_CONCURRENCY`). */
export const API_CONCURRENCY = Math.max(1, Math.floor(Number(process.env.BERTH_API_CONCURRENCY)) || 8);

/** What a run compares desired objects with to skip their dry runs. */
export interface LiveBaseline {
  /** The release key: Secrets are compared as the revision stores them, as keyed digests. */
  readonly key: Buffer;
  /**
   * Manifests of the deployed revision when it is the newest one (a failed or killed run since may have applied
   * something else: then none, and every object is dry-run).
   */
  readonly applied?: readonly KubeObject[];
  /** The caller has just checked that the namespace exists (a deploy, under its lock): it is not read again. */
  readonly namespaceExists?: boolean;
}

export interface LiveSnapshot {
  readonly live: Map<string, LiveState>;
  /** Server-side dry runs made; objects unchanged since the deployed revision applied them need none. */
  readonly dryRuns: number;
  /** Objects carrying the release's instance label, plus the live versions of the previous revision's objects. */
  readonly existing: KubeObject[];
  readonly namespaceExists: boolean;
}

/**
 * Labels only controllers put on what they make from a release's objects (a Deployment's ReplicaSets and pods, a
 * StatefulSet's or DaemonSet's pods and revisions, a Job's pods, a Service's Endpoints and EndpointSlices). Those
 * objects carry the release's labels too, copied from a template or a Service, but never Berth's apply: the search
 * for leftovers of other kinds skips them on the server (at N=100 they were ~1 MB of metadata, most of it their
 * managedFields).
 */
const CONTROLLER_MADE = [
  '!pod-template-hash',
  '!controller-revision-hash',
  '!controller.kubernetes.io/hash',
  '!batch.kubernetes.io/controller-uid',
  '!endpoints.kubernetes.io/managed-by',
  '!endpointslice.kubernetes.io/managed-by',
].join(',');

/**
 * Reads what the cluster holds for a release: each desired object as it is and as a server-side dry-run apply
 * would leave it (so server defaults are on both sides of the diff), and every object the release may have left.
 * An object rendered exactly as the deployed revision recorded it, every field of which Berth's apply still owns, is
 * its own dry-run result (see `ownsAllFields`): on a redeploy without changes that saves a dry run per object.
 */
export async function readLiveState(
  client: KubeApi,
  desired: ManifestSet,
  previous: readonly KubeObject[],
  baseline: LiveBaseline,
  options: { adopt?: boolean } = {},
): Promise<LiveSnapshot> {
  const limit = pLimit(API_CONCURRENCY);
  // Cannot tell (a namespace-scoped user): read as if it exists; a missing one fails the next request with its name.
  const exists = baseline.namespaceExists ?? (await namespaceExists(client, desired.namespace)) !== false;
  // One list per kind finds every object of the release; only desired objects it did not return (new ones, or
  // someone else's without our label) are read one by one. On a redeploy that saves a read per object.
  const existing: KubeObject[] = [];
  // Cluster-scoped objects of the release are outside its namespace: list them cluster-wide too, but only for a
  // release that has some, since that needs cluster-wide read access a namespaced user does not have.
  const clusterScoped = hasClusterScoped([...desired.objects, ...previous]);
  // In full only the kinds the release renders or rendered: of the other kinds (the pods and ReplicaSets its workloads
  // made carry its labels too, most of a namespace's bytes) only what the release itself applied is worth reading, which
  // their metadata tells (an interrupted run's leftovers, for the plan to prune).
  const id = releaseId(desired.namespace, desired.release);
  const fullKinds = new Set([...desired.objects, ...previous].map(groupKind));
  // When the newest revision is the deployed one, that run pruned whatever the release had applied and no longer
  // rendered, of every kind, and no run has written since (each records its revision before applying anything). So
  // whatever the release applied is then one of that revision's objects, whose kinds are in `fullKinds`: the other
  // kinds hold nothing to prune and need no list (at N=100, 6 lists instead of ~30). After a failed or killed run,
  // and on a first deploy, every kind is searched.
  const onlyFullKinds = baseline.applied !== undefined;
  if (exists) {
    existing.push(
      ...(await client.listByLabel(desired.namespace, `${LABEL_INSTANCE}=${desired.release}`, {
        clusterScoped,
        fullKinds,
        onlyFullKinds,
        fullIf: (o) => appliedByRelease(o, id),
        metadataOnlySelector: CONTROLLER_MADE,
      })),
    );
  }
  const defined = definedKinds(desired.objects);
  const listed = new Map(existing.map((o) => [objectKey(o), o]));
  const absent = exists ? await absentObjects(client, desired.objects.filter((o) => !listed.has(objectKey(o)))) : new Set<string>();
  const live = new Map<string, LiveState>();
  let dryRuns = 0;
  const recorded = new Map((baseline.applied ?? []).map((o) => [objectKey(o), o]));
  // Unchanged since the deployed revision: rendered as it recorded, and every field Berth set still Berth's.
  const unchanged = (obj: KubeObject, current: KubeObject) => {
    const before = recorded.get(objectKey(obj));
    if (before === undefined) return false;
    const now = scrubObject(obj, baseline.key);
    // Both sides are in canonical key order (the render's, and the record's as it was written), so the same JSON text
    // answers at once (native, ~2× faster than the walk at 500 objects); other texts may still be the same JSON.
    return (JSON.stringify(now) === JSON.stringify(before) || sameJson(now, before)) && ownsAllFields(current, obj);
  };
  await Promise.all(
    desired.objects.map((obj) =>
      limit(async () => {
        const namespaced = obj.metadata.namespace !== undefined;
        // In a namespace that does not exist yet there is nothing to read and nothing the server can dry-run.
        if (namespaced && !exists) return live.set(objectKey(obj), {});
        const current = listed.get(objectKey(obj)) ?? (absent.has(objectKey(obj)) ? undefined : await client.read(obj));
        if (current && unchanged(obj, current)) return live.set(objectKey(obj), { current, applied: current });
        try {
          dryRuns++;
          const applied = await client.apply(obj, { dryRun: true, force: true });
          return live.set(objectKey(obj), { current, applied });
        } catch (err) {
          // An object of a kind this release defines cannot be dry-run before its CustomResourceDefinition is
          // established, which the apply does first; until then there is nothing of it to compare with.
          if (!current && defined.has(groupKind(obj)) && err instanceof ClusterError) return live.set(objectKey(obj), {});
          // Merged into someone else's object our fields may not validate; that object is refused as a conflict
          // by the plan anyway, which is the error worth showing. Adopting it makes the dry-run error the real one.
          if (current && !options.adopt && ownerOf(current, releaseId(desired.namespace, desired.release)) && err instanceof ClusterError) {
            return live.set(objectKey(obj), { current });
          }
          throw immutableHint(err, obj);
        }
      }),
    ),
  );
  const desiredKeys = new Set(desired.objects.map(objectKey));
  const stale = previous.filter((o) => !desiredKeys.has(objectKey(o)) && !listed.has(objectKey(o)));
  const found = await Promise.all(stale.map((o) => limit(() => client.read(o))));
  for (const o of found) if (o) existing.push(o);
  return { live, existing, namespaceExists: exists, dryRuns };
}

/** Objects of one kind in one namespace from which a listing of names beats reading them one by one. */
const LIST_NAMES_FROM = 8;

/**
 * The keys of those `objects` (desired ones the release's label list did not return: new ones, or someone else's)
 * that do not exist, from one metadata-only list per kind and namespace with many of them, instead of a read each
 * (a first deploy of 2,500 objects read 2,500 times to find nothing). The ones a list names are read in full by the
 * caller, and so is every object of a kind that cannot be listed (a custom kind not yet defined, a user who may only
 * read): nothing is taken for absent that was not listed.
 */
async function absentObjects(client: Pick<KubeApi, 'list'>, objects: readonly KubeObject[]): Promise<Set<string>> {
  const groups = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const g = `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}`;
    const group = groups.get(g);
    if (group) group.push(o);
    else groups.set(g, [o]);
  }
  const absent = new Set<string>();
  await Promise.all(
    [...groups.values()]
      .filter((group) => group.length >= LIST_NAMES_FROM)
      .map(async (group) => {
        const { apiVersion, kind, metadata } = group[0]!;
        let names: Set<string>;
        try {
          names = new Set((await client.list(apiVersion, kind, { namespace: metadata.namespace, metadataOnly: true })).map((o) => o.metadata.name));
        } catch (err) {
          if (err instanceof ClusterError) return;
          throw err;
        }
        for (const o of group) if (!names.has(o.metadata.name)) absent.add(objectKey(o));
      }),
  );
  return absent;
}

/** A change the API server refuses because the field cannot change in place gets the way out as its hint. */
function immutableHint(err: unknown, obj: KubeObject): unknown {
  if (!(err instanceof ClusterError) || err.status !== 422) return err;
  if (!/field is immutable|Forbidden: updates to \w+ spec for fields other than/.test(err.message)) return err;
  const ns = obj.metadata.namespace ? ` -n ${obj.metadata.namespace}` : '';
  const how =
    obj.kind === 'StatefulSet' || obj.kind === 'Deployment' || obj.kind === 'DaemonSet'
      ? `delete it keeping its pods and volumes (kubectl delete ${obj.kind.toLowerCase()} ${obj.metadata.name}${ns} --cascade=orphan), then deploy again`
      : `delete it (kubectl delete ${obj.kind.toLowerCase()} ${obj.metadata.name}${ns}), then deploy again`;
  return new UserError(`${objectRef(obj)} cannot be changed in place: ${err.message}`, {
    hint: `the change touches a field the API server never updates; ${how}`,
    cause: err,
  });
}

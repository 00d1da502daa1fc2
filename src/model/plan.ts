import { isDeepStrictEqual } from 'node:util';
import { configChanges, type ConfigChange } from './config-diff.js';
import { FIELD_MANAGER } from './kube-api.js';
import { objectDiff } from './object-diff.js';
import { UserError } from '../errors.js';
import {
  ANNOTATION_KEEP,
  ANNOTATION_RELEASE,
  LABEL_NAME,
  objectKey,
  objectRef,
  sortObjects,
  type KubeObject,
  type ManifestSet,
  type ReleaseIdentity,
  type ServiceInfo,
} from './manifest-set.js';

export type ChangeAction = 'create' | 'update' | 'delete' | 'unchanged';

/** Why an object is pruned. */
export type PruneReason = 'no longer rendered' | 'left by an interrupted run';

export interface PlannedChange {
  readonly action: ChangeAction;
  /** `apiVersion/kind/namespace/name`. */
  readonly key: string;
  /** `Kind/name`. */
  readonly ref: string;
  /** The service the object belongs to (`app.kubernetes.io/name`), if any. */
  readonly service?: string;
  /** What to apply (create / update / unchanged) or to delete (delete). May hold Secret data: never print it. */
  readonly object: KubeObject;
  /** Unified diff of the changed fields, Secret values redacted unless `showSecrets`; empty when unchanged. */
  readonly diff: string;
  readonly reason?: PruneReason;
}

/** An existing object that belongs to another release or another tool. */
export interface OwnershipConflict {
  readonly key: string;
  readonly ref: string;
  /** `release dev/other` or `another tool (managers: kubectl-client-side-apply)`. */
  readonly owner: string;
}

/** `Deployment/x is owned by release dev/other`: how a refused object is named, in plans and in errors. */
export function conflictLine(c: OwnershipConflict): string {
  return `${c.ref} is owned by ${c.owner}`;
}

export interface Plan extends ReleaseIdentity {
  readonly changes: readonly PlannedChange[];
  /** Objects Berth refuses to change; empty when `adopt` is set (they are then adopted). */
  readonly conflicts: readonly OwnershipConflict[];
  /** Objects that would be pruned but carry `berth.dev/keep`. */
  readonly kept: readonly string[];
  /** Services in apply order: each wave after every service of the previous one is ready. */
  readonly waves: readonly (readonly string[])[];
  readonly summary: Readonly<Record<ChangeAction, number>>;
  readonly hasChanges: boolean;
  /** Config values that changed since the last deployed revision (secret values never shown). */
  readonly config: readonly ConfigChange[];
}

/** What the cluster says about one desired object. */
export interface LiveState {
  /** The object as stored now; undefined when it does not exist. */
  readonly current?: KubeObject;
  /**
   * The object as the server would store it after our apply (server-side dry run), so defaults appear on both
   * sides and are no noise. Undefined when it could not be dry-run (its namespace does not exist yet).
   */
  readonly applied?: KubeObject;
}

export interface PlanOptions {
  /** Take over objects owned by another release or tool. @default false */
  readonly adopt?: boolean;
  /** Show Secret values in diffs. @default false */
  readonly showSecrets?: boolean;
}

export interface PlanInput {
  readonly desired: ManifestSet;
  /** By `objectKey` of each desired object. */
  readonly live: ReadonlyMap<string, LiveState>;
  /** Manifests of the last deployed revision. */
  readonly previous: readonly KubeObject[];
  /** Keys of every object recorded in any stored revision of the release. */
  readonly recorded: ReadonlySet<string>;
  /** Live objects found by the release's labels, and live versions of the previous revision's objects. */
  readonly existing: readonly KubeObject[];
  /** Config values of the last deployed revision and of this rendering, secret values hashed on both sides. */
  readonly values?: { readonly before?: unknown; readonly after: unknown };
  readonly options?: PlanOptions;
}

/** The `berth.dev/release` annotation value of a release. */
export function releaseId(namespace: string, release: string): string {
  return `${namespace}/${release}`;
}

const VOLATILE_METADATA = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink'];

/** The object without what the server maintains (status, bookkeeping metadata): what a diff should compare. */
export function normalize(obj: KubeObject): KubeObject {
  const { status: _status, ...rest } = obj;
  const metadata = { ...obj.metadata };
  for (const k of VOLATILE_METADATA) delete metadata[k];
  if (metadata.annotations && Object.keys(metadata.annotations).length === 0) delete metadata.annotations;
  return { ...rest, metadata } as KubeObject;
}

/**
 * Who owns an existing object, or undefined when it is ours: the release named by its `berth.dev/release` annotation
 * (`release other in namespace dev`), else its field managers with their operations. An object Berth applied without
 * the annotation (an escape-hatch object rendered before they were stamped, or one whose annotation was removed) is
 * said to be so, rather than called another tool's; `--adopt` stamps it as this release's.
 */
export function ownerOf(current: KubeObject, id: string): string | undefined {
  const annotated = current.metadata.annotations?.[ANNOTATION_RELEASE];
  if (annotated === id) return undefined;
  if (annotated) {
    const slash = annotated.indexOf('/');
    return slash === -1 ? `release ${annotated}` : `release ${annotated.slice(slash + 1)} in namespace ${annotated.slice(0, slash)}`;
  }
  const entries = Array.isArray(current.metadata.managedFields) ? (current.metadata.managedFields as { manager?: string; operation?: string }[]) : [];
  const managers = [...new Set(entries.map((m) => `${m.manager ?? 'unknown'}${m.operation ? ` (${m.operation})` : ''}`))];
  if (managers.length === 0) return 'no release and no field manager (it has no berth.dev/release annotation)';
  const list = `field managers: ${managers.join(', ')}`;
  if (entries.every((m) => m.manager === FIELD_MANAGER)) return `no release: Berth wrote it without the berth.dev/release annotation (${list})`;
  return `another tool (${list})`;
}

/**
 * True when this release wrote the object itself. A label match alone is not enough: controllers copy labels and
 * annotations to what they create (ReplicaSets, Pods, EndpointSlices, PVCs of a StatefulSet), and a copy made by
 * hand carries them too; deleting those would be wrong, so pruning requires our annotation, no owner reference
 * and a server-side apply by the `berth` field manager.
 */
export function appliedByRelease(obj: KubeObject, id: string): boolean {
  if (obj.metadata.annotations?.[ANNOTATION_RELEASE] !== id) return false;
  if (Array.isArray(obj.metadata.ownerReferences) && obj.metadata.ownerReferences.length > 0) return false;
  const managers = Array.isArray(obj.metadata.managedFields) ? (obj.metadata.managedFields as { manager?: string; operation?: string }[]) : [];
  return managers.some((m) => m.manager === FIELD_MANAGER && m.operation === 'Apply');
}

/**
 * Services grouped in waves: a service is in the wave after the last of its dependencies.
 * Throws on a dependency that does not exist or on a cycle, naming them.
 */
export function computeWaves(services: readonly ServiceInfo[]): string[][] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const depth = new Map<string, number>();
  const visit = (name: string, path: string[]): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (path.includes(name)) {
      throw new UserError(`services depend on each other in a cycle: ${[...path.slice(path.indexOf(name)), name].join(' → ')}`, {
        hint: 'remove one of these dependsOn links',
      });
    }
    const s = byName.get(name)!;
    let d = 0;
    for (const dep of s.dependsOn) {
      if (!byName.has(dep)) {
        throw new UserError(`service '${name}' depends on '${dep}', which is not a service of this application`, {
          hint: `known services: ${[...byName.keys()].join(', ')}`,
        });
      }
      d = Math.max(d, visit(dep, [...path, name]) + 1);
    }
    depth.set(name, d);
    return d;
  };
  for (const s of services) visit(s.name, []);
  const waves: string[][] = [];
  for (const s of services) (waves[depth.get(s.name)!] ??= []).push(s.name);
  return waves.map((w) => w.sort());
}

/** Counts per action, and whether anything is to be written. */
export function summarize(changes: readonly PlannedChange[]): Pick<Plan, 'summary' | 'hasChanges'> {
  const summary = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const c of changes) summary[c.action]++;
  return { summary, hasChanges: summary.create + summary.update + summary.delete > 0 };
}

/**
 * The plan of a deploy: a pure function of the desired manifests, what the cluster holds (including a
 * server-side dry run of every desired object) and the release's history. `berth diff`, `deploy --dry-run`
 * and `deploy` all use it, so what is shown is what is applied.
 */
export function plan(input: PlanInput): Plan {
  const { desired, options = {} } = input;
  const id = releaseId(desired.namespace, desired.release);
  const changes: PlannedChange[] = [];
  const conflicts: OwnershipConflict[] = [];
  const desiredKeys = new Set<string>();

  for (const obj of sortObjects(desired.objects)) {
    const key = objectKey(obj);
    desiredKeys.add(key);
    const live = input.live.get(key) ?? {};
    const base = { key, ref: objectRef(obj), service: obj.metadata.labels?.[LABEL_NAME], object: obj };
    if (!live.current) {
      changes.push({ ...base, action: 'create', diff: objectDiff(undefined, normalize(obj), options) });
      continue;
    }
    const owner = ownerOf(live.current, id);
    if (owner && !options.adopt) conflicts.push({ key, ref: base.ref, owner });
    // A live copy taken as its own dry-run result (unchanged since the deployed revision) needs no comparing.
    if (!owner && live.applied === live.current) {
      changes.push({ ...base, action: 'unchanged', diff: '' });
      continue;
    }
    const before = normalize(live.current);
    const after = normalize(live.applied ?? obj);
    if (!owner && isDeepStrictEqual(before, after)) {
      changes.push({ ...base, action: 'unchanged', diff: '' });
    } else {
      changes.push({ ...base, action: 'update', diff: objectDiff(before, after, options) });
    }
  }

  const previousKeys = new Set(input.previous.map(objectKey));
  const kept: string[] = [];
  const seen = new Set<string>();
  const pruned: PlannedChange[] = [];
  for (const obj of input.existing) {
    const key = objectKey(obj);
    if (desiredKeys.has(key) || seen.has(key)) continue;
    seen.add(key);
    if (!appliedByRelease(obj, id)) continue;
    // Deleting the release's own namespace would take every release and the revision store with it.
    if (obj.kind === 'Namespace' && obj.metadata.name === desired.namespace) continue;
    const reason: PruneReason | undefined = previousKeys.has(key)
      ? 'no longer rendered'
      : input.recorded.has(key)
        ? undefined
        : 'left by an interrupted run';
    if (!reason) continue;
    if (obj.metadata.annotations?.[ANNOTATION_KEEP] !== undefined) {
      kept.push(objectRef(obj));
      continue;
    }
    pruned.push({
      action: 'delete',
      key,
      ref: objectRef(obj),
      service: obj.metadata.labels?.[LABEL_NAME],
      object: obj,
      reason,
      diff: objectDiff(normalize(obj), undefined, options),
    });
  }
  // Deleted in reverse apply order: consumers before what they consume.
  changes.push(...sortObjects(pruned.map((c) => c.object)).reverse().map((o) => pruned.find((c) => c.object === o)!));

  return {
    release: desired.release,
    namespace: desired.namespace,
    app: desired.app,
    version: desired.version,
    env: desired.env,
    changes,
    conflicts,
    kept: kept.sort(),
    waves: computeWaves(desired.services),
    ...summarize(changes),
    config: input.values?.after === undefined ? [] : configChanges(input.values.before ?? {}, input.values.after),
  };
}

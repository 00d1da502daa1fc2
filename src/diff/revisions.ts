import type { Revision } from '../model/revision.js';
import { sortObjects } from '../model/manifest-set.js';
import { compareObjects } from './compare.js';
import { configChanges, type ConfigChange } from '../model/config-diff.js';
import { renderConfigChangesText } from './config-render.js';

export interface ObjectChange {
  readonly action: 'create' | 'update' | 'delete';
  readonly ref: string;
  readonly diff: string;
}

export interface RevisionDiff {
  readonly release: string;
  readonly namespace: string;
  readonly from: number;
  readonly to: number;
  /** Config changes; revisions store secret-marked values as hashes, so those are flagged secret. */
  readonly values: readonly ConfigChange[];
  readonly objects: readonly ObjectChange[];
}

/** What changed from revision `a` to revision `b`: config values, then objects (Secret values redacted). */
export function diffRevisions(a: Revision, b: Revision, options: { showSecrets?: boolean } = {}): RevisionDiff {
  const objects = compareObjects(a.manifests, sortObjects(b.manifests), options)
    .filter((c) => c.action !== 'unchanged')
    .map((c) => ({ action: c.action as ObjectChange['action'], ref: c.ref, diff: c.diff }));
  return { release: b.release, namespace: b.namespace, from: a.revision, to: b.revision, values: configChanges(a.values, b.values), objects };
}

export function renderRevisionDiff(d: RevisionDiff): string {
  const out = [`Release ${d.namespace}/${d.release}: revision ${d.from} → ${d.to}`, '', 'Config:'];
  if (d.values.length === 0) out.push('  (no changes)');
  else out.push(...renderConfigChangesText(d.values).split('\n').map((l) => `  ${l}`));
  out.push('', 'Objects:');
  if (d.objects.length === 0) out.push('  (no changes)');
  const sign = { create: '+', update: '~', delete: '-' } as const;
  for (const o of d.objects) {
    out.push(`${sign[o.action]} ${o.action} ${o.ref}`);
    if (o.action === 'update') for (const l of o.diff.split('\n')) if (l) out.push(`    ${l}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * Deployed releases whose template has a newer version in its registry (`berth template outdated -n NS | -A`). Reads
 * only revision metadata (the template is in each head Secret's summary) and one package document per template.
 */
import semver from 'semver';
import { UserError } from '../errors.js';
import type { KubeApi } from '../model/kube-api.js';
import type { TemplateRef } from '../model/manifest-set.js';
import { listReleases } from '../release/store.js';
import { fetchPackument } from './client.js';
import { registryContext, type ResolveOptions } from './resolve.js';

export interface OutdatedRelease {
  readonly namespace: string;
  readonly release: string;
  readonly revision: number;
  readonly template: TemplateRef;
  /** The newest version in the same major as the deployed one (what `upgrade --to ^<major>` takes). */
  readonly wanted: string;
  /** The registry's `latest` dist-tag, else its highest version. */
  readonly latest: string;
}

export interface OutdatedReport {
  readonly outdated: readonly OutdatedRelease[];
  /** Releases whose newest revision runs a template, outdated or not. */
  readonly checked: number;
  /** Templates whose registry could not answer, with why: the others are still reported. */
  readonly unavailable: ReadonlyArray<{ readonly template: string; readonly error: string }>;
}

/** Releases in `namespace` (every namespace when undefined) whose template has a newer version. */
export async function outdatedReleases(client: KubeApi, namespace: string | undefined, options: Pick<ResolveOptions, 'cwd' | 'env' | 'npmConfig'>): Promise<OutdatedReport> {
  const releases = (await listReleases(client, namespace)).filter((r) => r.template && r.status !== 'uninstalled');
  const names = [...new Set(releases.map((r) => r.template!.name))].sort();
  const newest = new Map<string, { versions: string[]; latest: string }>();
  const unavailable: Array<{ template: string; error: string }> = [];
  const ctx = registryContext(options);
  for (const name of names) {
    try {
      const { packument } = await fetchPackument(name, ctx);
      const versions = Object.keys(packument.versions ?? {}).filter((v) => semver.valid(v));
      const latest = packument['dist-tags']?.latest ?? semver.rsort([...versions])[0];
      if (latest) newest.set(name, { versions, latest });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      unavailable.push({ template: name, error: err.message });
    }
  }
  const outdated: OutdatedRelease[] = [];
  for (const r of releases) {
    const t = r.template!;
    const found = newest.get(t.name);
    if (!found || !semver.valid(t.version)) continue;
    const wanted = semver.maxSatisfying(found.versions, `^${t.version}`) ?? t.version;
    if (semver.gt(found.latest, t.version) || semver.gt(wanted, t.version)) {
      outdated.push({ namespace: r.namespace, release: r.release, revision: r.revision, template: t, wanted, latest: found.latest });
    }
  }
  return { outdated, checked: releases.length, unavailable };
}

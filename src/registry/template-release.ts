/**
 * A release of a template package: which deploy arguments name a template, and the config a template release is
 * rendered with. A release that already runs the same template keeps its recorded config (a new version adds the
 * defaults of its new fields, values given go on top), as `helm upgrade --reuse-values` would, except that secret
 * values are not in the revision: they come back from the release's live Secrets (see `recoverSecretValues`).
 */
import { UserError } from '../errors.js';
import { findProblems } from '../config/validate.js';
import { loadValuesWithOrigins, mergeValues } from '../config/values.js';
import type { DeployContext } from '../deploy/context.js';
import { templateLabel, type KubeObject } from '../model/manifest-set.js';
import type { Revision } from '../model/revision.js';
import { isSecret, recoverSecretValues } from '../model/secret-data.js';
import { templateSchema, type TemplatePackage } from '../synth/template.js';

export interface ConfigBase {
  /** The config values files and `--set` go onto. */
  readonly base: Record<string, unknown>;
  /** Where it came from, for messages: `release db revision 3 (@berth/redis@1.0.0)`. */
  readonly source: string;
  /** The revision whose config was kept, when there is one. */
  readonly from?: Pick<Revision, 'revision' | 'template'>;
}

export interface ConfigBaseOptions {
  readonly release: string;
  /** The release key (secret digests). */
  readonly key: Buffer;
  readonly values: { readonly files: readonly string[]; readonly set: readonly string[] };
  /** Start from the template's defaults instead of the recorded config. */
  readonly resetValues?: boolean;
}

/**
 * The config a deploy of `pkg` as release `release` starts from: the template's defaults, or, when the release
 * already runs this template, its recorded config over the new version's defaults. A secret value that cannot be
 * recovered and is not given, or a recorded field the new version does not have, is a UserError before anything
 * is written.
 */
export async function configBase(ctx: Pick<DeployContext, 'client' | 'store'>, pkg: TemplatePackage, opts: ConfigBaseOptions): Promise<ConfigBase> {
  const defaults = { base: pkg.berth.defaults, source: `${templateLabel(pkg)} defaults` };
  if (opts.resetValues) return defaults;
  const latest = await ctx.store.latest(opts.release);
  if (!latest?.template || latest.template.name !== pkg.name) return defaults;
  const rev = (await ctx.store.lastDeployed(opts.release)) ?? (await ctx.store.get(opts.release, latest.revision));
  if (!rev.template || rev.template.name !== pkg.name) return defaults;
  const live = (await Promise.all(rev.manifests.filter(isSecret).map((o) => ctx.client.read<KubeObject>(o)))).filter((o): o is KubeObject => o !== undefined);
  const recovered = recoverSecretValues(rev.values as Record<string, unknown>, live, opts.key);
  const overlay = loadValuesWithOrigins({ files: opts.values.files, set: opts.values.set });
  const given = (path: string) => [...overlay.origins.keys()].some((p) => p === path || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
  const where = `release ${opts.release} (revision ${rev.revision}, ${templateLabel(rev.template)})`;
  const missing = recovered.unrecovered.filter((p) => !given(p));
  if (missing.length > 0) {
    throw new UserError(
      `secret config ${missing.length === 1 ? 'field' : 'fields'} ${missing.join(', ')} of ${where} cannot be recovered: revisions keep only digests of secret values, and no live Secret of the release holds ${missing.length === 1 ? 'it' : 'them'}`,
      { hint: `give ${missing.length === 1 ? 'it' : 'them'} again: ${missing.map((p) => `--set ${p}=...`).join(' ')} (or in a values file with -f)` },
    );
  }
  const base = mergeValues(pkg.berth.defaults, recovered.values);
  const recordedPaths = leafPaths(rev.values);
  const removed = findProblems(templateSchema(pkg), mergeValues(base, overlay.values))
    .filter((p) => p.keyword === 'additionalProperties' && recordedPaths.some((r) => r === p.at || r.startsWith(`${p.at}.`) || r.startsWith(`${p.at}[`)))
    .map((p) => p.at);
  if (removed.length > 0) {
    throw new UserError(
      `${templateLabel(pkg)} has no config ${removed.length === 1 ? 'field' : 'fields'} ${removed.join(', ')}, which ${where} sets`,
      {
        hint: `drop ${removed.length === 1 ? 'it' : 'them'} with ${removed.map((p) => `--set ${p}=null`).join(' ')}, or start from the new version's defaults with --reset-values (then give every value again)`,
      },
    );
  }
  return { base, source: `the config of ${where}`, from: rev };
}

function leafPaths(v: unknown, path = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((item, i) => leafPaths(item, `${path}[${i}]`));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, child]) => leafPaths(child, path === '' ? k : `${path}.${k}`));
  return [path];
}

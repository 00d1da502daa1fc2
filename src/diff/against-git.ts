import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { findApp, listApps } from '../synth/apps.js';
import type { ManifestSet } from '../model/manifest-set.js';
import { chooseEnv, PROJECT_ROOT, synthesize } from '../synth/synthesize.js';
import { compareManifestSets } from './compare.js';
import { planToJson, renderPlan } from './render.js';
import type { Plan } from '../model/plan.js';

export interface GitDiffRequest {
  readonly ref: string;
  /** One app, or every app of the working tree. */
  readonly app?: string;
  /** One env, or every env of each app. */
  readonly env?: string;
  readonly release?: string;
  readonly namespace?: string;
  readonly showSecrets?: boolean;
  /** Config paths whose values are never shown (from the config schema). */
  readonly secretPaths?: (app: string) => readonly string[];
}

export interface GitDiff {
  readonly app: string;
  readonly env: string;
  /** Objects and config (`plan.config`) of the working tree against the revision. */
  readonly plan: Plan;
}

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Extracts the tree of `ref` into a temporary directory that shares this project's node_modules. */
function checkoutRef(root: string, ref: string): { dir: string; commit: string } {
  const verify = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' });
  if (verify.status !== 0) {
    throw new UserError(`'${ref}' is not a commit of this repository`, {
      hint: 'give a branch, tag or commit (e.g. origin/main, HEAD~1); a shallow clone may need `git fetch --deepen 1`',
    });
  }
  const commit = verify.stdout.trim();
  const dir = mkdtempSync(join(tmpdir(), 'berth-git-'));
  const archive = spawnSync('git', ['archive', '--format=tar', commit], { cwd: root, maxBuffer: 1 << 30 });
  if (archive.status !== 0) throw new UserError(`git archive ${ref} failed: ${archive.stderr.toString().trim()}`);
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.status !== 0) throw new UserError(`could not unpack ${ref}: ${untar.stderr.toString().trim()}`);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, commit };
}

/**
 * Synthesizes the working tree and the git revision `ref` and compares them per app and env. Needs no
 * cluster: this is what CI runs on a pull request so reviewers read the rendered change.
 */
export async function diffAgainstGit(req: GitDiffRequest, root = PROJECT_ROOT): Promise<GitDiff[]> {
  git(['rev-parse', '--show-toplevel'], root);
  const sources = req.app ? [findApp(root, req.app)] : listApps(root);
  const { dir } = checkoutRef(root, req.ref);
  try {
    const results: GitDiff[] = [];
    for (const source of sources) {
      const envs = req.env ? [chooseEnv(source, req.env, false)] : source.envs.length ? source.envs : ['default'];
      const oldApp = existsSync(join(dir, 'apps', source.name, 'index.ts'));
      for (const env of envs) {
        const opts = { env: env === 'default' ? undefined : env, release: req.release, namespace: req.namespace };
        const after = await synthesize({ app: source.dir, root, ...opts });
        const oldEnv = oldApp && (env === 'default' || existsSync(join(dir, 'apps', source.name, 'env', `${env}.ts`)));
        let before: ManifestSet | undefined;
        if (oldEnv) before = await synthesize({ app: join(dir, 'apps', source.name), root: dir, ...opts });
        const secretPaths = req.secretPaths?.(source.index) ?? [];
        results.push({ app: source.name, env, plan: compareManifestSets(before, after, { showSecrets: req.showSecrets, secretPaths }) });
      }
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Text, markdown (a pull-request comment: config table first, then objects) or JSON. */
export function renderGitDiff(results: readonly GitDiff[], format: 'text' | 'markdown' | 'json', ref: string): string {
  if (format === 'json') return `${JSON.stringify(results.map((r) => ({ app: r.app, env: r.env, ...(planToJson(r.plan) as object) })), null, 2)}\n`;
  const heading = (r: GitDiff) => (format === 'markdown' ? `## \`${r.app}\` / \`${r.env}\` against \`${ref}\`\n` : `== ${r.app}/${r.env} against ${ref}`);
  return results.map((r) => `${heading(r)}\n${renderPlan(r.plan, format)}`).join('\n');
}

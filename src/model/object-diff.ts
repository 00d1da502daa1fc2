import { structuredPatch } from 'diff';
import { toYaml } from '../util/yaml.js';
import type { KubeObject } from './manifest-set.js';
import { redactSecret } from './redact.js';

export interface ObjectDiffOptions {
  /** Print Secret values in clear. @default false */
  readonly showSecrets?: boolean;
  /** Lines of context around each change. @default 3 */
  readonly context?: number;
}

/**
 * A unified diff (hunks only, no file header) between two versions of an object rendered as YAML.
 * Either side may be absent (create / delete). Secrets are redacted on both sides unless `showSecrets`.
 */
export function objectDiff(before: KubeObject | undefined, after: KubeObject | undefined, options: ObjectDiffOptions = {}): string {
  const show = (o: KubeObject | undefined, other: KubeObject | undefined) =>
    o === undefined ? '' : toYaml(options.showSecrets ? o : redactSecret(o, other));
  const patch = structuredPatch('live', 'desired', show(before, undefined), show(after, before), undefined, undefined, {
    context: options.context ?? 3,
  });
  const lines: string[] = [];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const l of h.lines) if (!l.startsWith('\\')) lines.push(l);
  }
  return lines.join('\n');
}

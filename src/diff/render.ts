import { alwaysColors as pc } from '../colors.js';
import { conflictLine, type ChangeAction, type Plan, type PlannedChange } from '../model/plan.js';
import { publicConfigChanges } from '../model/config-diff.js';
import { renderConfigChangesMarkdown, renderConfigChangesText } from './config-render.js';

export type DiffFormat = 'text' | 'markdown' | 'json';

const SIGN: Record<ChangeAction, string> = { create: '+', update: '~', delete: '-', unchanged: '=' };

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  return `${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.unchanged} unchanged`;
}

function title(c: PlannedChange): string {
  const service = c.service ? ` (service ${c.service})` : '';
  const reason = c.reason ? `: ${c.reason}` : '';
  return `${SIGN[c.action]} ${c.action} ${c.ref}${service}${reason}`;
}

function colorLine(line: string, color: boolean): string {
  if (!color) return line;
  if (line.startsWith('+')) return pc.green(line);
  if (line.startsWith('-')) return pc.red(line);
  if (line.startsWith('@@')) return pc.cyan(line);
  return line;
}

/** The plan as a reader-friendly text: one header per changed object, its unified diff, then a summary. */
export function renderText(plan: Plan, options: { color?: boolean } = {}): string {
  const color = options.color ?? false;
  const out: string[] = [`Release ${plan.namespace}/${plan.release} (app ${plan.app} ${plan.version}, env ${plan.env})`];
  if (plan.config.length > 0) out.push('', 'Config changes:', ...renderConfigChangesText(plan.config).split('\n').map((l) => `    ${l}`));
  for (const c of plan.conflicts) out.push(`! refuse ${conflictLine(c)}`);
  for (const c of plan.changes) {
    if (c.action === 'unchanged') continue;
    out.push('', title(c));
    if (c.action !== 'delete') for (const l of c.diff.split('\n')) if (l) out.push(`    ${colorLine(l, color)}`);
  }
  const unchanged = plan.changes.filter((c) => c.action === 'unchanged');
  if (unchanged.length > 0) out.push('', `= unchanged: ${unchanged.map((c) => c.ref).join(', ')}`);
  for (const k of plan.kept) out.push(`= kept (berth.dev/keep): ${k}`);
  out.push('', plan.hasChanges ? `Plan: ${summaryLine(plan)}.` : `No changes: ${summaryLine(plan)}.`);
  return `${out.join('\n')}\n`;
}

/** The plan as markdown for pull-request comments: a table, then one `diff` block per changed object. */
export function renderMarkdown(plan: Plan): string {
  const out: string[] = [`### Berth plan for \`${plan.namespace}/${plan.release}\``, ''];
  // Reviewers read config first: it is what the pull request edited; objects follow from it.
  if (plan.config.length > 0) out.push(renderConfigChangesMarkdown(plan.config));
  out.push(`**${summaryLine(plan)}**`, '');
  if (plan.conflicts.length > 0) {
    out.push('| refused | owner |', '| --- | --- |');
    for (const c of plan.conflicts) out.push(`| \`${c.ref}\` | ${c.owner} |`);
    out.push('');
  }
  const changed = plan.changes.filter((c) => c.action !== 'unchanged');
  if (changed.length > 0) {
    out.push('| action | object | service |', '| --- | --- | --- |');
    for (const c of changed) out.push(`| ${c.action} | \`${c.ref}\` | ${c.service ?? ''} |`);
    for (const c of changed) {
      if (c.action === 'delete') continue;
      out.push('', `<details><summary>${c.action} <code>${c.ref}</code></summary>`, '', '```diff', c.diff, '```', '', '</details>');
    }
  }
  return `${out.join('\n')}\n`;
}

/** The plan for machines: no object bodies (they may hold Secret data), only refs, actions and redacted diffs. */
export function planToJson(plan: Plan): unknown {
  return {
    release: plan.release,
    namespace: plan.namespace,
    app: plan.app,
    version: plan.version,
    env: plan.env,
    hasChanges: plan.hasChanges,
    summary: plan.summary,
    config: publicConfigChanges(plan.config),
    waves: plan.waves,
    conflicts: plan.conflicts,
    kept: plan.kept,
    changes: plan.changes.map((c) => ({
      action: c.action,
      apiVersion: c.object.apiVersion,
      kind: c.object.kind,
      namespace: c.object.metadata.namespace,
      name: c.object.metadata.name,
      service: c.service,
      reason: c.reason,
      diff: c.diff,
    })),
  };
}

export function renderPlan(plan: Plan, format: DiffFormat, options: { color?: boolean } = {}): string {
  if (format === 'json') return `${JSON.stringify(planToJson(plan), null, 2)}\n`;
  if (format === 'markdown') return renderMarkdown(plan);
  return renderText(plan, options);
}

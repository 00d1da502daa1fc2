import type { ConfigChange } from '../model/config-diff.js';

function show(value: unknown, secret: boolean): string {
  if (value === undefined) return '(unset)';
  if (secret) return '(secret)';
  return JSON.stringify(value);
}

/** `path: old → new`, one line per change; a secret only says that it was set, changed or unset. */
export function renderConfigChangesText(changes: readonly ConfigChange[]): string {
  return changes
    .map((c) => {
      if (!c.secret) return `${c.path}: ${show(c.before, false)} → ${show(c.after, false)}`;
      return `${c.path}: (secret) ${c.before === undefined ? 'set' : c.after === undefined ? 'unset' : 'changed'}`;
    })
    .join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A GitHub-flavoured markdown table of config changes. */
export function renderConfigChangesMarkdown(changes: readonly ConfigChange[]): string {
  if (changes.length === 0) return '_No config changes._\n';
  const rows = changes.map((c) => `| \`${cell(c.path)}\` | ${cell(show(c.before, c.secret))} | ${cell(show(c.after, c.secret))} |`);
  return ['| config | before | after |', '| --- | --- | --- |', ...rows].join('\n') + '\n';
}

import { stderrColors as pc } from '../colors.js';

/** True when stderr is an interactive terminal (live progress lines); false in CI and pipes (plain lines). */
export function isInteractive(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}

export function printError(message: string, hint?: string): void {
  process.stderr.write(`${pc.red('error:')} ${message}\n`);
  if (hint) process.stderr.write(`${pc.dim('hint:')} ${hint}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Progress and status lines go to stderr so that stdout stays clean for manifests and JSON. */
export function info(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Renders rows as an aligned plain-text table with a header row. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('   ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** A revision's template as the tables show it (`@berth/redis@1.1.0`), `-` for an app. */
export function templateLabel(template: { readonly name: string; readonly version: string } | undefined): string {
  return template ? `${template.name}@${template.version}` : '-';
}

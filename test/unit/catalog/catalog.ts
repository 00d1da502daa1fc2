import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Testing } from 'cdk8s';
import type { Application, ReleaseContext } from '../../../lib/index.js';
import type { KubeObj } from '../lib/util.js';

/** lib/catalog of this checkout. */
export const CATALOG = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'lib', 'catalog');

/** The templates, each with the user, group and data directory its README documents for the image it runs. */
export const TEMPLATES = [
  { name: 'postgresql', service: 'postgresql', kind: 'StatefulSet', uid: 999, dataDir: '/var/lib/postgresql/data' },
  { name: 'mariadb', service: 'mariadb', kind: 'StatefulSet', uid: 999, dataDir: '/var/lib/mysql' },
  { name: 'redis', service: 'redis', kind: 'StatefulSet', uid: 999, dataDir: '/data' },
  { name: 'nginx', service: 'nginx', kind: 'Deployment', uid: 101, dataDir: '/usr/share/nginx/html' },
  { name: 'log-agent', service: 'fluent-bit', kind: 'DaemonSet', uid: 0, dataDir: '/var/log' },
  { name: 'db-backup', service: 'backup', kind: 'CronJob', uid: 999, dataDir: '/backup' },
] as const;

export type TemplateName = (typeof TEMPLATES)[number]['name'];

type AppClass = new (scope: ReturnType<typeof Testing.app>, id: string, props: { config: any; release: ReleaseContext }) => Application;

/** Imports a template's Application class and its env/default.ts config. */
export async function loadTemplate(name: TemplateName): Promise<{ App: AppClass; defaults: Record<string, unknown> }> {
  const App = (await import(join(CATALOG, name, 'index.ts'))).default as AppClass;
  const defaults = (await import(join(CATALOG, name, 'env', 'default.ts'))).default as Record<string, unknown>;
  return { App, defaults };
}

/** Renders a template as `berth synth` would (validations included) and returns its objects. */
export async function render(name: TemplateName, config?: Record<string, unknown>, release: ReleaseContext = { name: 'r', namespace: 'ns', env: 'default' }): Promise<KubeObj[]> {
  const { App, defaults } = await loadTemplate(name);
  const app = new App(Testing.app(), name, { config: config ?? defaults, release });
  const errors = app.node.findAll().flatMap((c) => c.node.validate());
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return app.toJson() as KubeObj[];
}

/** The template's package.json. */
export function packageJson(name: TemplateName): Record<string, any> {
  return JSON.parse(readFileSync(join(CATALOG, name, 'package.json'), 'utf8'));
}

/** The pod template of a workload object (Deployment, StatefulSet, DaemonSet, CronJob). */
export function podSpec(workload: KubeObj): any {
  return workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;
}

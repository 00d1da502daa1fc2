import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { berthPackageVersion } from './package.js';

/**
 * `berth template init <dir>`: a template source dir per the packaging contract that synths and publishes as it is —
 * a typed config with TSDoc, an Application with one StatelessApp, env/default.ts, a unit test and a README.
 */

export interface InitResult {
  readonly dir: string;
  readonly name: string;
  readonly files: readonly string[];
}

const NAME = /^@[a-z0-9][a-z0-9._~-]*\/[a-z0-9][a-z0-9._~-]*$/;

/** `my-cache` → `MyCache`. */
function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('')
    .replace(/^[0-9]/, 'T$&');
}

export function initTemplate(opts: { dir: string; name?: string; description?: string }): InitResult {
  const dir = resolve(opts.dir);
  const base = basename(dir).toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'template';
  const name = opts.name ?? `@berth/${base}`;
  if (!NAME.test(name)) {
    throw new UserError(`--name '${name}' is not a scoped npm package name`, { hint: 'use @scope/name in lower case, for example --name @acme/echo' });
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new UserError(`${dir} is not empty`, { hint: 'give a new directory: berth template init ./templates/echo' });
  }
  const app = name.split('/')[1]!;
  const type = `${pascal(app)}Config`;
  const cls = pascal(app);
  const version = berthPackageVersion();
  const description = opts.description ?? `An HTTP echo service, packaged as a Berth template`;
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify(
      {
        name,
        version: '0.1.0',
        description,
        keywords: ['berth-template', 'http'],
        license: 'Apache-2.0',
        type: 'module',
        main: './dist/index.js',
        types: './dist/index.d.ts',
        exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './package.json': './package.json' },
        files: ['dist', 'README.md'],
        peerDependencies: { berth: `^${version}` },
      },
      null,
      2,
    )}\n`,
    'config.ts': `import type { Secret } from 'berth';

/** Config of the ${app} template: one HTTP service that answers with a fixed text. */
export interface ${type} {
  /**
   * Container image of the service.
   * @default 'hashicorp/http-echo:1.0.0'
   */
  readonly image?: string;
  /**
   * Number of pods.
   * @default 1
   * @minimum 1
   * @integer
   */
  readonly replicas?: number;
  /** Text the service answers every request with. */
  readonly message: string;
  /** Token passed to the service as API_TOKEN through a generated Secret; not set by default. */
  readonly apiToken?: Secret;
}
`,
    'index.ts': `import type { Construct } from 'constructs';
import { Application, Probe, StatelessApp, Volume, type ApplicationProps } from 'berth';
import type { ${type} } from './config.js';

export type { ${type} } from './config.js';

/** ${description}. */
export default class ${cls} extends Application<${type}> {
  constructor(scope: Construct, id: string, props: ApplicationProps<${type}>) {
    super(scope, id, props);
    const c = props.config;
    new StatelessApp(this, 'web', {
      image: c.image ?? 'hashicorp/http-echo:1.0.0',
      replicas: c.replicas ?? 1,
      args: ['-listen=:8080', \`-text=\${c.message}\`],
      ports: [{ port: 8080, servicePort: 80 }],
      ...(c.apiToken ? { secretConfig: { API_TOKEN: c.apiToken } } : {}),
      readiness: Probe.http('/'),
      liveness: Probe.tcp(),
      volumes: [{ path: '/tmp', volume: Volume.emptyDir('tmp') }],
    });
  }
}
`,
    'env/default.ts': `import type { ${type} } from '../config.js';

/** The example config: the sample render, and the defaults \`berth deploy ${name}\` starts from. */
export default {
  image: 'hashicorp/http-echo:1.0.0',
  replicas: 1,
  message: 'hello from ${app}',
} satisfies ${type};
`,
    'test/render.test.ts': `import { App } from 'cdk8s';
import ${cls} from '../index.js';
import config from '../env/default.js';

describe('${name}', () => {
  it('renders a Deployment with the configured replicas and message', () => {
    const app = new App();
    const chart = new ${cls}(app, '${app}', { config, release: { name: 'sample', namespace: 'default', env: 'default' } });
    const deployment = chart.toJson().find((o: { kind: string }) => o.kind === 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.containers[0].args).toContain('-text=hello from ${app}');
  });
});
`,
    'README.md': `# ${name}

${description}.

## Use

\`\`\`sh
berth template info ${name}
berth deploy ${name}@^0.1 -r ${app} -n demo --set message=hi
\`\`\`

## Develop

\`\`\`sh
berth synth ${dir === process.cwd() ? '.' : opts.dir} --env default --stdout   # render the example config
berth template publish ${opts.dir}                     # synth checks, build, publish (bump "version" first)
\`\`\`

## Config

Run \`berth schema ${opts.dir}\` for the table of fields; the \`berth\` field of the published package.json
carries the same JSON Schema.
`,
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return { dir, name, files: Object.keys(files).sort() };
}

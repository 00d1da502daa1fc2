/** The synth command as a user runs it: a real process, exit codes, stderr without stack traces. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../src/synth/synthesize.js';

function berth(args: string[]) {
  const res = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'berth.cjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** A copy of apps/hello whose dev env is replaced, so tests never touch the real app. */
function helloWith(devEnv: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'berth-cli-')), 'hello');
  cpSync(join(PROJECT_ROOT, 'apps', 'hello'), dir, { recursive: true });
  writeFileSync(join(dir, 'env', 'dev.ts'), devEnv);
  return dir;
}

const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe('berth synth', () => {
  it('lists every command in --help and has help of its own', () => {
    const top = berth(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^\s+synth \[options\] \[app\]/m);
    const synth = berth(['synth', '--help']);
    expect(synth.code).toBe(0);
    expect(synth.stdout).toContain('--env <env>');
  });

  it('writes manifests and reports each app and env', () => {
    const out = mkdtempSync(join(tmpdir(), 'berth-out-'));
    const res = berth(['synth', 'hello', '--env', 'dev', '--out', out]);
    expect(res.stderr).toMatch(/^synth hello\/dev release dev\/hello: \d+ objects → /m);
    expect(res.code).toBe(0);
    expect(readFileSync(join(out, 'hello', 'dev', 'web.yaml'), 'utf8')).toContain('kind: Deployment');
  });

  it('names the services on default resources, in text and in -o json', () => {
    const out = mkdtempSync(join(tmpdir(), 'berth-out-'));
    const text = berth(['synth', 'hello', '--env', 'dev', '--out', out]);
    expect(text.stderr).toMatch(/^synth hello\/dev .*\n  on default resources \(set 'resources' to size them\): web$/m);
    const json = berth(['synth', 'hello', '--env', 'dev', '--out', out, '-o', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)[0].defaultResources).toEqual([{ service: 'web', containers: ['web'] }]);
  });

  it('refuses an image without a tag, naming the field and the fix, exit 1', () => {
    const app = helloWith("import type { HelloConfig } from '../config.js';\nexport default { image: 'nginx', message: 'x' } satisfies HelloConfig;\n");
    const res = berth(['synth', app, '--env', 'dev', '--out', mkdtempSync(join(tmpdir(), 'berth-out-'))]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: .*'image' \('nginx'\) has no tag or digest: pin the image, e.g. 'nginx:1.2.3' or 'nginx@sha256:<digest>'/m);
    expect(res.stderr).not.toMatch(NO_STACK);
  });

  it('fails on replicas: -1 naming the field and value, exit 1, no stack trace', () => {
    const app = helloWith(
      "import type { HelloConfig } from '../config.js';\nexport default { image: 'nginx:1.27', message: 'x', replicas: -1 } satisfies HelloConfig;\n",
    );
    const res = berth(['synth', app, '--env', 'dev', '--out', mkdtempSync(join(tmpdir(), 'berth-out-'))]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: .*'replicas' \(-1\)/m);
    expect(res.stderr).not.toMatch(NO_STACK);
  });

  it('fails on a misspelt construct prop with file:line:col and the compiler message, exit 1, no stack trace', () => {
    const app = helloWith(
      "import type { HelloConfig } from '../config.js';\nexport default { image: 'nginx:1.27', message: 'x' } satisfies HelloConfig;\n",
    );
    const index = join(app, 'index.ts');
    writeFileSync(index, readFileSync(index, 'utf8').replace('readiness:', 'readyness:'));
    const out = mkdtempSync(join(tmpdir(), 'berth-out-'));
    const res = berth(['synth', app, '--env', 'dev', '--out', out]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${index}:16:7 - error TS2561: Object literal may only specify known properties, but 'readyness' does not exist`);
    expect(res.stderr).not.toMatch(NO_STACK);
    expect(readdirSync(out)).toEqual([]);
  });

  it('fails on an unknown key the compiler cannot see (`as any`) with the runtime message, exit 1', () => {
    const app = helloWith(
      "import type { HelloConfig } from '../config.js';\nexport default { image: 'nginx:1.27', message: 'x' } satisfies HelloConfig;\n",
    );
    const index = join(app, 'index.ts');
    writeFileSync(index, readFileSync(index, 'utf8').replace("Probe.http('/')", "Probe.http('/', { httpHeaders: { 'X-A': 'b' } } as any)"));
    const res = berth(['synth', app, '--env', 'dev', '--stdout']);
    expect(res.stderr).toBe("error: hello (env dev): hello/web: 'readiness' unknown property 'httpHeaders' — did you mean 'headers'?\nhint: fix the props or config named above\n");
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
  });

  it('fails on a bad value found when the pod template is rendered as a user error, not an internal one', () => {
    const app = helloWith(
      "import type { HelloConfig } from '../config.js';\nexport default { image: 'nginx:1.27', message: 'x' } satisfies HelloConfig;\n",
    );
    const index = join(app, 'index.ts');
    writeFileSync(index, readFileSync(index, 'utf8').replace("Probe.http('/')", "Probe.http('/', { port: 0 })"));
    const res = berth(['synth', app, '--env', 'dev', '--stdout']);
    expect(res.stderr).toBe("error: hello (env dev): hello/web: 'readiness.port' (0) must be a port number between 1 and 65535\nhint: fix the prop, config value, JSON patch or override named above\n");
    expect(res.code).toBe(1);
  });

  it('fails on a service name with _ naming the name, exit 1, no stack trace', () => {
    const app = helloWith(
      "import type { HelloConfig } from '../config.js';\nexport default { image: 'nginx:1.27', message: 'x' } satisfies HelloConfig;\n",
    );
    const index = join(app, 'index.ts');
    writeFileSync(index, readFileSync(index, 'utf8').replace(/new StatelessApp\(this, '([a-z-]+)'/, "new StatelessApp(this, 'web_app'"));
    expect(readFileSync(index, 'utf8')).toContain("'web_app'");
    const res = berth(['synth', app, '--env', 'dev', '--out', mkdtempSync(join(tmpdir(), 'berth-out-'))]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: .*web_app/m);
    expect(res.stderr).not.toMatch(NO_STACK);
  });

  it('rejects a values file with a misspelt key before rendering', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-values-'));
    writeFileSync(join(dir, 'v.yaml'), 'mesage: hi\n');
    const res = berth(['synth', 'hello', '--env', 'dev', '-f', join(dir, 'v.yaml'), '--stdout']);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('did you mean `message`?');
  });

  it('exits 1 with the known environments for an unknown --env', () => {
    const res = berth(['synth', 'hello', '--env', 'staging']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("app hello has no environment 'staging'");
    expect(res.stderr).toContain('hint: environments: dev, prod');
  });
});

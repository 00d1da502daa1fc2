import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffAgainstGit, renderGitDiff } from '../../../src/diff/against-git.js';
import { PROJECT_ROOT } from '../../../src/synth/synthesize.js';

const fixture = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'synth', 'fixtures', 'apps', 'plain');

/** A throwaway git repository holding one app and the library, sharing this project's node_modules. */
function makeRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'berth-gitdiff-'));
  cpSync(fixture, join(root, 'apps', 'plain'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'tsconfig.json'), join(root, 'tsconfig.json'));
  cpSync(join(PROJECT_ROOT, 'lib'), join(root, 'lib'), { recursive: true });
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  writeFileSync(join(root, '.gitignore'), 'node_modules\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
  git('init', '-q');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'first');
  return root;
}

describe('diffAgainstGit', () => {
  it('shows the config change and the object it changes, per env, without a cluster', async () => {
    const root = makeRepo();
    writeFileSync(join(root, 'apps', 'plain', 'env', 'prod.ts'), "export default { message: 'hello prod', replicas: 5 };\n");
    const results = await diffAgainstGit({ ref: 'HEAD' }, root);
    expect(results.map((r) => `${r.app}/${r.env}`)).toEqual(['plain/dev', 'plain/prod']);
    const [dev, prod] = results;
    expect(dev!.plan.hasChanges).toBe(false);
    expect(dev!.plan.config).toEqual([]);
    expect(prod!.plan.config).toEqual([{ path: 'replicas', before: 3, after: 5, secret: false }]);
    expect(prod!.plan.summary).toEqual({ create: 0, update: 1, delete: 0, unchanged: 2 });
    expect(prod!.plan.changes.find((c) => c.action === 'update')!.diff).toContain('-  replicas: 3\n+  replicas: 5');

    const md = renderGitDiff(results, 'markdown', 'HEAD');
    expect(md.indexOf('| `replicas` | 3 | 5 |')).toBeGreaterThan(-1);
    expect(md.indexOf('| `replicas` | 3 | 5 |')).toBeLessThan(md.indexOf('```diff'));
  });

  it('treats an env that did not exist at the revision as all new', async () => {
    const root = makeRepo();
    writeFileSync(join(root, 'apps', 'plain', 'env', 'test.ts'), "export default { message: 't', replicas: 1 };\n");
    const [result] = await diffAgainstGit({ ref: 'HEAD', app: 'plain', env: 'test' }, root);
    expect(result!.plan.summary.create).toBe(3);
  });

  it('refuses a ref that is not a commit, with a hint', async () => {
    const root = makeRepo();
    await expect(diffAgainstGit({ ref: 'no-such-branch' }, root)).rejects.toThrow("'no-such-branch' is not a commit of this repository");
  });
});

describe('configChanges', () => {
  it('never shows values under secret patterns: fields, record entries and list items', async () => {
    const { configChanges } = await import('../../../src/model/config-diff.js');
    const { renderConfigChangesText } = await import('../../../src/diff/config-render.js');
    const changes = configChanges(
      { db: { password: 'old-pw', host: 'a' }, tokens: { ci: 't1' }, keys: ['k1'] },
      { db: { password: 'new-pw', host: 'b' }, tokens: { ci: 't2' }, keys: ['k2'] },
      ['db.password', 'tokens.*', 'keys[]'],
    );
    expect(changes.map((c) => [c.path, c.secret])).toEqual([
      ['db.host', false],
      ['db.password', true],
      ['keys', true],
      ['tokens.ci', true],
    ]);
    const text = renderConfigChangesText(changes);
    for (const clear of ['old-pw', 'new-pw', 't1', 't2', 'k1', 'k2']) expect(text).not.toContain(clear);
    expect(text).toContain('db.host: "a" → "b"');
  });
});

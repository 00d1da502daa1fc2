import { rmSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jest } from '@jest/globals';
import { main } from '../../../src/cli/main.js';

jest.setTimeout(60_000);

const root = resolve('.');
const app = 'test/unit/config/fixtures/shop';
let dir: string;

beforeAll(() => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  dir = mkdtempSync(join(root, '.cache', 'test-schema-command-'));
  process.env.BERTH_CACHE_DIR = join(dir, 'cache');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process and returns its exit code and what it wrote. */
async function berth(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'berth', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('berth schema', () => {
  it('prints a table of every config field', async () => {
    const { code, stdout } = await berth('schema', app);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('ShopConfig: Configuration of the shop system.');
    expect(lines[2]).toMatch(/^PATH +TYPE +REQUIRED +DEFAULT +SECRET +DESCRIPTION$/);
    expect(lines[3]).toMatch(/^tier +"small" \| "medium" \| "large" +yes +"small" +Deployment size\.$/);
    expect(lines.find((l) => l.startsWith('database.password '))).toMatch(/ string +yes +yes +Password of the application user\.$/);
    expect(lines.filter((l) => l.trim() !== '')).toHaveLength(2 + 27);
  });

  it('prints the JSON Schema with -o json', async () => {
    const { code, stdout } = await berth('schema', app, '-o', 'json');
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(schema.title).toBe('ShopConfig');
    expect(schema.properties.database.properties.password['x-berth-secret']).toBe(true);
  });

  it('writes the JSON Schema to a file with --out', async () => {
    const file = join(dir, 'out', 'shop.schema.json');
    const { code, stderr } = await berth('schema', app, '--out', file);
    expect(code).toBe(0);
    expect(stderr).toBe(`wrote the config schema of ${app} (ShopConfig) to ${file}\n`);
    expect(JSON.parse(readFileSync(file, 'utf8')).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('exits 1 with a message naming the unknown app', async () => {
    const { code, stderr } = await berth('schema', 'test/unit/config/fixtures/nope');
    expect(code).toBe(1);
    expect(stderr).toContain("error: no application 'test/unit/config/fixtures/nope'");
  });
});

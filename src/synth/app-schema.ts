import { isAbsolute, join, resolve } from 'node:path';
import { findProjectRoot } from '../config/file-cache.js';
import type { ConfigSchema } from '../config/json-schema.js';
import { extractSchema } from '../config/schema.js';
import { findApp } from './apps.js';

/** The config schema of `app` (a name under apps/, an app directory, or its index.ts). */
export function schemaOfApp(app: string, root = findProjectRoot(process.cwd())): ConfigSchema {
  const index = app.endsWith('.ts') ? (isAbsolute(app) ? app : resolve(app)) : findApp(root, app).index;
  return extractSchema(index, { tsConfigFilePath: join(root, 'tsconfig.json') });
}

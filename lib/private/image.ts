import type { IConstruct } from 'constructs';
import { propError } from './errors.js';

/** A digest: `<algorithm>:<hex>`, e.g. `sha256:` and 64 hex digits. */
const DIGEST = /^[a-z0-9]+([+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * An image pinned by tag or digest, as the docs ask: an untagged image or `:latest` moves under a running release,
 * so two pods of one ReplicaSet can run different code and a rollback does not roll back the image.
 */
export function checkImage(scope: IConstruct, prop: string, image: unknown): void {
  if (typeof image !== 'string' || image.trim() === '' || /\s/.test(image)) {
    throw propError(scope, prop, image, "must be an image reference without spaces, e.g. 'nginx:1.27'");
  }
  const [name, digest, extra] = image.split('@');
  if (extra !== undefined || (digest !== undefined && !DIGEST.test(digest))) {
    throw propError(scope, prop, image, "has a malformed digest: use '<image>@sha256:<64 hex digits>'");
  }
  if (digest !== undefined) return;
  // The tag follows the last ':' after the last '/': in `localhost:5000/api` the ':' is the registry's port.
  const last = name!.slice(name!.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  const tag = colon === -1 ? undefined : last.slice(colon + 1);
  const repo = colon === -1 ? name! : name!.slice(0, name!.length - last.length + colon);
  if (tag === undefined || tag === 'latest') {
    const why = tag === undefined ? 'has no tag or digest' : "uses ':latest', which is not a pin";
    throw propError(scope, prop, image, `${why}: pin the image, e.g. '${repo}:1.2.3' or '${repo}@sha256:<digest>', so every pod of a release runs the same, reviewed image`);
  }
  if (!TAG.test(tag)) throw propError(scope, prop, image, "has a malformed tag: letters, digits, '_', '.' and '-', at most 128, e.g. ':1.27.3'");
}

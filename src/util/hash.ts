import { createHash } from 'node:crypto';

/** Hex sha256 of a string (as UTF-8) or bytes. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

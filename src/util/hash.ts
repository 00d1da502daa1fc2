import { createHash, createHmac } from 'node:crypto';

/** Hex sha256 of a string (as UTF-8) or bytes. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hex HMAC-SHA256 of a string (as UTF-8) or bytes under `key`. */
export function hmacSha256(key: Buffer, data: string | Buffer): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

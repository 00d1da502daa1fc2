import { randomBytes } from 'node:crypto';
import { decodePayload, encodePayload, CHUNK_BYTES } from '../../../src/release/codec.js';

describe('encodePayload / decodePayload', () => {
  it('round-trips a small payload in one chunk', () => {
    const value = { release: 'shop', manifests: [{ kind: 'ConfigMap', data: { a: 'é ✓' } }] };
    const encoded = encodePayload(value);
    expect(encoded.chunks).toHaveLength(1);
    expect(decodePayload(encoded.chunks, encoded.sha256)).toEqual(value);
  });

  it('gzips, so a repetitive payload is much smaller than its JSON', () => {
    const value = { manifests: Array.from({ length: 2000 }, (_, i) => ({ kind: 'ConfigMap', metadata: { name: `cm-${i}` } })) };
    const encoded = encodePayload(value);
    const stored = encoded.chunks.reduce((n, c) => n + c.length, 0);
    expect(stored * 5).toBeLessThan(encoded.jsonBytes);
  });

  it('splits an incompressible 2.5 MiB payload into chunks no bigger than the chunk size and joins them again', () => {
    const blob = randomBytes(Math.ceil(2.5 * 1024 * 1024 * 0.75)).toString('base64');
    const value = { data: blob };
    const encoded = encodePayload(value);
    expect(encoded.jsonBytes).toBeGreaterThan(2.5 * 1024 * 1024 - 100);
    expect(encoded.chunks.length).toBe(3);
    for (const c of encoded.chunks) expect(c.length).toBeLessThanOrEqual(CHUNK_BYTES);
    expect(decodePayload<typeof value>(encoded.chunks, encoded.sha256).data).toBe(blob);
  });

  it('honours a custom chunk size', () => {
    const encoded = encodePayload({ data: randomBytes(10_000).toString('hex') }, 1000);
    expect(encoded.chunks.length).toBeGreaterThan(5);
    expect(encoded.chunks.slice(0, -1).every((c) => c.length === 1000)).toBe(true);
  });

  it('rejects chunks whose checksum does not match, naming both checksums', () => {
    const encoded = encodePayload({ data: randomBytes(5000).toString('hex') }, 1000);
    const tampered = encoded.chunks.map((c) => Buffer.from(c));
    tampered[2]![10] = tampered[2]![10]! ^ 0xff;
    expect(() => decodePayload(tampered, encoded.sha256)).toThrow(/checksum mismatch: stored sha256 [0-9a-f]{12}…, data has [0-9a-f]{12}…/);
  });

  it('rejects a missing chunk', () => {
    const encoded = encodePayload({ data: randomBytes(5000).toString('hex') }, 1000);
    expect(() => decodePayload(encoded.chunks.slice(0, -1), encoded.sha256)).toThrow(/checksum mismatch/);
  });

  it('rejects a chunk size that is not a positive integer', () => {
    expect(() => encodePayload({}, 0)).toThrow('chunkBytes (0) must be a positive integer');
  });
});

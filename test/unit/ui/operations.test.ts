import { UserError } from '../../../src/errors.js';
import { Operations, type OperationEvent } from '../../../src/ui/operations.js';

describe('Operations', () => {
  it('replays every event so far to a late subscriber, then the live ones, then done', async () => {
    const ops = new Operations();
    const op = ops.create();
    let finish!: () => void;
    ops.run(op, async () => {
      op.progress.service('api', 'applying', '2 objects');
      await new Promise<void>((r) => (finish = r));
      op.progress.note('all ready');
      return { ok: true, revision: 2, status: 'deployed', message: 'release dev/shop: revision 2 deployed' };
    });
    expect(ops.get(op.id)).toBe(op);
    const seen: OperationEvent[] = [];
    op.subscribe((e) => seen.push(e));
    expect(seen).toEqual([{ type: 'progress', data: { message: 'api: applying 2 objects', service: 'api', state: 'waiting' } }]);
    finish();
    await ops.settled();
    expect(seen.slice(1)).toEqual([
      { type: 'progress', data: { message: 'all ready' } },
      { type: 'done', data: { ok: true, revision: 2, status: 'deployed', message: 'release dev/shop: revision 2 deployed' } },
    ]);
    expect(op.done).toBe(true);
  });

  it("ends a failed operation with the error's message and hint, an unknown error as internal", async () => {
    const ops = new Operations();
    const a = ops.create();
    ops.run(a, async () => {
      throw new UserError('release shop in namespace dev is locked', { hint: 'wait' });
    });
    const b = ops.create();
    ops.run(b, async () => {
      throw new TypeError('x is undefined');
    });
    await ops.settled();
    expect(a.events.at(-1)).toEqual({ type: 'done', data: { ok: false, message: 'release shop in namespace dev is locked (hint: wait)' } });
    expect(b.events.at(-1)).toEqual({ type: 'done', data: { ok: false, message: 'internal error: x is undefined' } });
  });

  it('lists an operation only once it runs', () => {
    const ops = new Operations();
    const op = ops.create();
    expect(ops.get(op.id)).toBeUndefined();
  });
});

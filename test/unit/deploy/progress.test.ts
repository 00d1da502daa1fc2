import { Writable } from 'node:stream';
import { createProgress } from '../../../src/deploy/progress.js';

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

describe('createProgress', () => {
  it('prints plain lines in CI, one per change of state or reason', async () => {
    const s = sink();
    const p = await createProgress(s.stream, false);
    p.service('api', 'waiting', '0 of 2 replicas updated');
    p.service('api', 'waiting', '0 of 2 replicas updated');
    p.service('api', 'waiting', '1 of 2 replicas updated');
    p.note('pruning ConfigMap/old (no longer rendered)');
    p.service('api', 'ready', '2 of 2 replicas available');
    p.stop();
    expect(s.text()).toBe(
      [
        'api: waiting (0 of 2 replicas updated)',
        'api: waiting (1 of 2 replicas updated)',
        'pruning ConfigMap/old (no longer rendered)',
        'api: ready (2 of 2 replicas available)',
        '',
      ].join('\n'),
    );
  });

  it('keeps one live line per service on a terminal', async () => {
    const s = sink();
    const p = await createProgress(s.stream, true);
    p.service('db', 'waiting', '0 of 1 replicas ready');
    p.service('api', 'applying', '3 objects');
    p.service('db', 'ready', '1 of 1 replicas ready');
    p.stop();
    const text = s.text();
    expect(text).toContain('db ');
    expect(text).toContain('1 of 1 replicas ready');
    expect(text).toContain('\u001b['); // rewritten in place with cursor moves
  });
});

import { lastDeployedRevision, revisionsToPrune } from '../../../src/model/revision-history.js';
import type { RevisionStatus } from '../../../src/model/revision.js';

const revs = (...statuses: RevisionStatus[]) => statuses.map((status, i) => ({ revision: i + 1, status }));

describe('revisionsToPrune', () => {
  it('keeps everything while there are at most max revisions', () => {
    expect(revisionsToPrune(revs('superseded', 'superseded', 'deployed'), 3)).toEqual([]);
  });

  it('deletes the oldest beyond max, oldest first', () => {
    expect(revisionsToPrune(revs('superseded', 'superseded', 'superseded', 'superseded', 'deployed'), 3)).toEqual([1, 2]);
  });

  it('never drops the last deployed revision, even when newer failed ones fill max', () => {
    const history = revs('superseded', 'deployed', 'failed', 'failed', 'failed', 'failed');
    const doomed = revisionsToPrune(history, 3);
    expect(doomed).not.toContain(2);
    expect(doomed).toEqual([1, 3, 4]);
  });

  it('keeps the newest revision and the last deployed one with max 1', () => {
    expect(revisionsToPrune(revs('superseded', 'deployed', 'failed'), 1)).toEqual([1]);
  });

  it('keeps everything with max 0 or less (no limit)', () => {
    expect(revisionsToPrune(revs('superseded', 'superseded', 'deployed'), 0)).toEqual([]);
    expect(revisionsToPrune(revs('superseded', 'superseded', 'deployed'), -1)).toEqual([]);
  });

  it('does not depend on the input order', () => {
    const history = revs('superseded', 'superseded', 'superseded', 'deployed').reverse();
    expect(revisionsToPrune(history, 2)).toEqual([1, 2]);
  });

  it('prunes by age alone when nothing was ever deployed', () => {
    expect(revisionsToPrune(revs('failed', 'failed', 'interrupted', 'failed'), 2)).toEqual([1, 2]);
  });
});

describe('lastDeployedRevision', () => {
  it('is the newest deployed revision', () => {
    expect(lastDeployedRevision([{ revision: 4, status: 'failed' }, { revision: 3, status: 'deployed' }, { revision: 1, status: 'deployed' }])?.revision).toBe(3);
  });

  it('is undefined when none is deployed', () => {
    expect(lastDeployedRevision(revs('failed', 'uninstalled'))).toBeUndefined();
  });
});

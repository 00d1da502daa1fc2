import { outdatedRow } from '../../../src/registry/project.js';

describe('outdatedRow', () => {
  const dep = { name: '@berth/redis', range: '^1.0.0', version: '1.0.0' };

  it('shows wanted (by the range) and latest', () => {
    expect(outdatedRow(dep, ['1.0.0', '1.1.0', '2.0.0'], '2.0.0')).toEqual({ name: '@berth/redis', current: '1.0.0', wanted: '1.1.0', latest: '2.0.0', range: '^1.0.0' });
  });

  it('shows a newer latest outside the range even when current is wanted', () => {
    expect(outdatedRow(dep, ['1.0.0', '2.0.0'], '2.0.0')).toMatchObject({ current: '1.0.0', wanted: '1.0.0', latest: '2.0.0' });
  });

  it('leaves out a dependency at its newest version', () => {
    expect(outdatedRow(dep, ['1.0.0'], '1.0.0')).toBeUndefined();
  });
});

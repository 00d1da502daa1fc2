import { hasReadinessRule, readiness } from '../../../../src/model/wait/index.js';
import { live } from './fixtures.js';

describe('readiness', () => {
  it('dispatches by group and kind', () => {
    expect(readiness(live('apps/v1', 'Deployment', { status: {} })).done).toBe(false);
    expect(readiness(live('batch/v1', 'Job', { status: { conditions: [{ type: 'Complete', status: 'True' }] } })).ok).toBe(true);
  });

  it('treats unknown kinds as ready once they exist', () => {
    expect(readiness(live('v1', 'ConfigMap', {}))).toEqual({ done: true, ok: true, message: 'exists' });
    expect(readiness(live('example.com/v1', 'Deployment', {}))).toEqual({ done: true, ok: true, message: 'exists' });
  });

  it('says which kinds are worth polling', () => {
    expect(hasReadinessRule({ apiVersion: 'apps/v1', kind: 'StatefulSet' })).toBe(true);
    expect(hasReadinessRule({ apiVersion: 'v1', kind: 'Service' })).toBe(false);
  });
});

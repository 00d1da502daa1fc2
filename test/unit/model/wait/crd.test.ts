import { crdReadiness } from '../../../../src/model/wait/crd.js';
import { readiness } from '../../../../src/model/wait/index.js';
import { live } from './fixtures.js';

const crd = (conditions: object[]) => live('apiextensions.k8s.io/v1', 'CustomResourceDefinition', { status: { conditions } });

describe('crdReadiness', () => {
  it('is ready once Established, and is the rule readiness() uses for the kind', () => {
    const established = crd([{ type: 'NamesAccepted', status: 'True' }, { type: 'Established', status: 'True' }]);
    expect(crdReadiness(established)).toEqual({ done: true, ok: true, message: 'established' });
    expect(readiness(established)).toEqual({ done: true, ok: true, message: 'established' });
  });

  it('waits while the API server has not established it yet', () => {
    expect(crdReadiness(crd([]))).toEqual({ done: false, ok: false, message: 'waiting to be Established' });
    expect(crdReadiness(crd([{ type: 'Established', status: 'False', reason: 'Installing' }]))).toEqual({ done: false, ok: false, message: 'waiting to be Established' });
  });

  it('fails when its names clash with another definition', () => {
    const r = crdReadiness(crd([{ type: 'NamesAccepted', status: 'False', reason: 'ListKindConflict', message: '"WidgetList" is already in use' }]));
    expect(r).toEqual({ done: true, ok: false, message: 'names not accepted: "WidgetList" is already in use' });
  });
});

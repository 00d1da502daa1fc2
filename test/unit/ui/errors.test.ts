import { ClusterError, UserError } from '../../../src/errors.js';
import { releaseNotFound } from '../../../src/model/revision-store.js';
import { HttpError } from '../../../src/ui/http-error.js';
import { apiErrorOf } from '../../../src/ui/server.js';

describe('apiErrorOf', () => {
  it('answers a UserError with 400 and its message and hint as they are', () => {
    expect(apiErrorOf(new UserError('replicas: expected number', { hint: 'run berth schema shop' }))).toEqual({
      status: 400,
      body: { error: { message: 'replicas: expected number', hint: 'run berth schema shop' } },
    });
  });

  it('answers an unknown release or revision with 404', () => {
    expect(apiErrorOf(releaseNotFound('shop', 'dev')).status).toBe(404);
    expect(apiErrorOf(new UserError('release shop in namespace dev has no revision 9')).status).toBe(404);
  });

  it("keeps the cluster's 403, 404 and 409, and its 401 (our kubeconfig) becomes 403, not the console's 401", () => {
    expect(apiErrorOf(new ClusterError('forbidden', { status: 403 })).status).toBe(403);
    expect(apiErrorOf(new ClusterError('conflict', { status: 409 })).status).toBe(409);
    expect(apiErrorOf(new ClusterError('unauthorized', { status: 401 })).status).toBe(403);
    expect(apiErrorOf(new ClusterError('boom', { status: 500 })).status).toBe(500);
  });

  it('answers anything else as an internal error with its message only, never a stack', () => {
    const { status, body } = apiErrorOf(new TypeError('x is undefined'));
    expect(status).toBe(500);
    expect(body.error.message).toBe('internal error: x is undefined');
    expect(JSON.stringify(body)).not.toContain(' at ');
  });

  it('passes an HttpError through with its fields', () => {
    expect(apiErrorOf(new HttpError(400, { message: 'bad', fields: [{ path: 'a', message: 'a: bad' }] }))).toEqual({ status: 400, body: { error: { message: 'bad', fields: [{ path: 'a', message: 'a: bad' }] } } });
  });
});

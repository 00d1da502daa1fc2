import { allowedHosts, checkHost, checkMutation, checkOrigin, checkToken, cookieValue, newSecret, sameSecret, tokenOf } from '../../../src/ui/security.js';

const hosts = allowedHosts('127.0.0.1', 7070);
const token = newSecret();
const csrf = newSecret();

describe('session token', () => {
  it('is 32 random bytes in base64url, different each time', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSecret()).not.toBe(token);
  });

  it('is accepted from the Bearer header or the berth_session cookie', () => {
    expect(checkToken({ authorization: `Bearer ${token}` }, token)).toBeUndefined();
    expect(checkToken({ cookie: `theme=dark; berth_session=${token}` }, token)).toBeUndefined();
  });

  it('refuses a missing, wrong or truncated token with 401 and says where the token is', () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `Bearer ${token.slice(0, -1)}` }, { cookie: 'berth_session=' }, { authorization: token }]) {
      expect(checkToken(headers, token)).toEqual({ status: 401, message: 'no valid session token', hint: expect.stringContaining('?token=') });
    }
  });

  it('takes the Bearer header over the cookie, so a wrong header is not rescued by a cookie', () => {
    expect(tokenOf({ authorization: 'Bearer a', cookie: 'berth_session=b' })).toBe('a');
    expect(checkToken({ authorization: 'Bearer wrong', cookie: `berth_session=${token}` }, token)?.status).toBe(401);
  });

  it('compares secrets of any length without throwing', () => {
    expect(sameSecret('a', 'a')).toBe(true);
    expect(sameSecret('a', 'ab')).toBe(false);
    expect(sameSecret(undefined, 'a')).toBe(false);
  });

  it('reads one cookie out of several', () => {
    expect(cookieValue('a=1; berth_session=x=y; b=2', 'berth_session')).toBe('x=y');
    expect(cookieValue(undefined, 'berth_session')).toBeUndefined();
  });
});

describe('Host header (DNS rebinding)', () => {
  it('accepts 127.0.0.1 and localhost with the port, case-insensitively', () => {
    expect(checkHost('127.0.0.1:7070', hosts)).toBeUndefined();
    expect(checkHost('LOCALHOST:7070', hosts)).toBeUndefined();
  });

  it('refuses another name, another port, or none with 403', () => {
    for (const host of ['evil.example:7070', '127.0.0.1:7071', '127.0.0.1', undefined]) {
      expect(checkHost(host, hosts)).toMatchObject({ status: 403, message: `Host header '${host ?? ''}' is not the console's address` });
    }
  });

  it("adds the --listen address; for a wildcard one the interfaces' addresses, never the wildcard itself", () => {
    expect(allowedHosts('10.0.0.5', 80)).toEqual(['127.0.0.1:80', 'localhost:80', '10.0.0.5:80']);
    expect(allowedHosts('0.0.0.0', 80, ['127.0.0.1', '10.0.0.5', 'fe80::1'])).toEqual(['127.0.0.1:80', 'localhost:80', '10.0.0.5:80', '[fe80::1]:80']);
    expect(checkHost('0.0.0.0:80', allowedHosts('0.0.0.0', 80, ['10.0.0.5']))?.status).toBe(403);
  });
});

describe('Origin header', () => {
  it('lets requests without an Origin through (curl, a page loading itself)', () => {
    expect(checkOrigin(undefined, hosts)).toBeUndefined();
  });

  it('accepts the console itself and refuses every other origin with 403', () => {
    expect(checkOrigin('http://127.0.0.1:7070', hosts)).toBeUndefined();
    for (const origin of ['https://evil.example', 'http://127.0.0.1:7071', 'null', 'https://127.0.0.1:7070']) {
      expect(checkOrigin(origin, hosts)).toMatchObject({ status: 403, message: `requests from origin '${origin}' are refused: only the console's own pages may call its API` });
    }
  });
});

describe('mutations', () => {
  it('need the CSRF header (403) and a JSON body (415)', () => {
    expect(checkMutation({ 'content-type': 'application/json' }, csrf)).toMatchObject({ status: 403, message: 'missing or wrong x-berth-csrf header' });
    expect(checkMutation({ 'content-type': 'application/json', 'x-berth-csrf': 'wrong' }, csrf)?.status).toBe(403);
    expect(checkMutation({ 'content-type': 'text/plain', 'x-berth-csrf': csrf }, csrf)).toMatchObject({ status: 415, message: "a POST needs Content-Type: application/json, got 'text/plain'" });
    expect(checkMutation({ 'content-type': 'application/x-www-form-urlencoded', 'x-berth-csrf': csrf }, csrf)?.status).toBe(415);
  });

  it('pass with both', () => {
    expect(checkMutation({ 'content-type': 'application/json; charset=utf-8', 'x-berth-csrf': csrf }, csrf)).toBeUndefined();
  });
});

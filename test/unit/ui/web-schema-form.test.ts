import { serverSideValidation, typeFits } from '../../../web/src/lib/server-validation.js';
import { changeRows, configRows, isMaskedSecret } from '../../../web/src/lib/config-view.js';
import { fieldErrorLine, progressLine } from '../../../web/src/lib/lines.js';
import { errorTree, formDataFrom, requestValues, resolveRef, uiSchemaFor } from '../../../web/src/lib/schema-form.js';

const schema = {
  type: 'object',
  required: ['api'],
  properties: {
    api: {
      type: 'object',
      description: 'The API service.',
      properties: {
        replicas: { type: 'integer', default: 2, description: 'How many pods.' },
        logLevel: { type: 'string', enum: ['debug', 'info'], default: 'info' },
      },
    },
    db: { $ref: '#/definitions/Db' },
  },
  definitions: {
    Db: { type: 'object', properties: { password: { type: 'string', writeOnly: true, format: 'password' }, user: { type: 'string' } } },
  },
};

describe('uiSchemaFor', () => {
  it('shows defaults beside their fields and secrets as password inputs, through $ref', () => {
    const ui = uiSchemaFor(schema, schema, new Set(['db.password']));
    expect(ui['api']).toEqual({ replicas: { 'ui:help': 'Default: 2' }, logLevel: { 'ui:help': 'Default: info' } });
    expect(ui['db']).toEqual({
      password: { 'ui:widget': 'password', 'ui:placeholder': 'set — leave blank to keep the current value', 'ui:autocomplete': 'new-password' },
      user: {},
    });
  });

  it('says "not set" for a secret without a value and never shows a secret default', () => {
    const s = { type: 'object', properties: { token: { type: 'string', writeOnly: true, default: 'hunter2' } } };
    expect(uiSchemaFor(s)['token']).toEqual({ 'ui:widget': 'password', 'ui:placeholder': 'not set', 'ui:autocomplete': 'new-password' });
  });
});

describe('resolveRef', () => {
  it('follows local references and keeps the referring schema\'s own keywords', () => {
    expect(resolveRef({ $ref: '#/definitions/Db', description: 'x' }, schema)).toMatchObject({ type: 'object', description: 'x' });
    expect(resolveRef({ $ref: 'https://elsewhere/x' }, schema)).toEqual({ $ref: 'https://elsewhere/x' });
  });
});

describe('formDataFrom and requestValues', () => {
  it('starts the form with masked secrets blank and remembers which are set', () => {
    const { data, secretSet } = formDataFrom({ api: { replicas: 3 }, db: { password: { secret: true, set: true }, user: 'shop' }, other: { secret: true, set: false } });
    expect(data).toEqual({ api: { replicas: 3 }, db: { user: 'shop' } });
    expect([...secretSet]).toEqual(['db.password']);
  });

  it('leaves a blank secret out of the request so the server keeps its value, and sends a typed one', () => {
    expect(requestValues({ api: { replicas: 1 }, db: { password: '', user: 'u' } }, schema)).toEqual({ api: { replicas: 1 }, db: { user: 'u' } });
    expect(requestValues({ db: { password: 'new' } }, schema)).toEqual({ db: { password: 'new' } });
  });
});

describe('errorTree', () => {
  it('puts each API field error under its config path, whole-document errors at the root', () => {
    expect(
      errorTree([
        { path: 'api.replicas', message: 'must be >= 1' },
        { path: 'api.replicas', message: 'must be an integer' },
        { path: 'api', message: 'unknown key "replica"' },
        { path: '', message: 'bad document' },
      ]),
    ).toEqual({ __errors: ['bad document'], api: { __errors: ['unknown key "replica"'], replicas: { __errors: ['must be >= 1', 'must be an integer'] } } });
  });
});

describe('config tables', () => {
  it('flattens config by path and shows secrets only as set / not set', () => {
    expect(configRows({ b: { secret: true, set: true }, a: { x: 1, list: [1, 2] }, c: { secret: true, set: false }, e: {} })).toEqual([
      { path: 'a.list', value: '[1,2]', secret: false },
      { path: 'a.x', value: '1', secret: false },
      { path: 'b', value: 'set', secret: true },
      { path: 'c', value: 'not set', secret: true },
      { path: 'e', value: '{}', secret: false },
    ]);
  });

  it('tells a masked secret from an object that only looks like one', () => {
    expect(isMaskedSecret({ secret: true, set: false })).toBe(true);
    expect(isMaskedSecret({ secret: true, set: false, value: 'x' })).toBe(false);
    expect(isMaskedSecret({ secret: 'yes', set: true })).toBe(false);
  });

  it('shows that a secret changed without its values', () => {
    expect(changeRows([{ path: 'db.password', before: 'h1', after: 'h2', secret: true }, { path: 'api.replicas', before: 1, after: 3, secret: false }, { path: 'x', after: 'new', secret: false }])).toEqual([
      { path: 'db.password', change: 'changed', before: '(secret)', after: '(secret, changed)' },
      { path: 'api.replicas', change: 'changed', before: '1', after: '3' },
      { path: 'x', change: 'added', before: '—', after: 'new' },
    ]);
  });
});

describe('fieldErrorLine', () => {
  it('names the path once', () => {
    expect(fieldErrorLine({ path: 'logLevel', message: 'logLevel: expected one of "debug", "info"' })).toBe('logLevel: expected one of "debug", "info"');
    expect(fieldErrorLine({ path: 'api.replicas', message: 'must be >= 1' })).toBe('api.replicas: must be >= 1');
    expect(fieldErrorLine({ path: '', message: 'not an object' })).toBe('not an object');
    expect(progressLine({ service: 'api', message: 'api: queued after db' })).toBe('api: queued after db');
    expect(progressLine({ service: 'db', message: 'ready' })).toBe('db: ready');
    expect(progressLine({ message: 'Secret/x keeps its values' })).toBe('Secret/x keeps its values');
  });
});

describe('serverSideValidation', () => {
  it('never reports an error of its own: validation is the API\'s', () => {
    expect(serverSideValidation.validateFormData({ replicas: 'x' }, { type: 'object', properties: { replicas: { type: 'integer' } } })).toEqual({ errors: [], errorSchema: {} });
  });

  it('matches oneOf / anyOf branches by type only', () => {
    expect(serverSideValidation.isValid({ type: 'string' }, 'x', {})).toBe(true);
    expect(serverSideValidation.isValid({ type: 'string' }, 3, {})).toBe(false);
    expect(typeFits('number', 3)).toBe(true);
    expect(typeFits('integer', 3.5)).toBe(false);
    expect(typeFits(['object', 'null'], null)).toBe(true);
    expect(typeFits('array', {})).toBe(false);
    expect(typeFits(undefined, 'anything')).toBe(true);
  });
});

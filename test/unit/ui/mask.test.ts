import { formSchema, withoutUnchangedSecrets } from '../../../src/ui/deploy-source.js';
import { isMaskedSecret, maskConfig } from '../../../src/ui/mask.js';

const digest = `hmac-sha256:${'a'.repeat(64)}`;

describe('maskConfig', () => {
  it('replaces every stored secret digest by { secret: true, set: true }, whatever the path', () => {
    expect(maskConfig({ db: { password: digest, user: 'shop' }, keys: [digest], replicas: 2 })).toEqual({
      db: { password: { secret: true, set: true }, user: 'shop' },
      keys: [{ secret: true, set: true }],
      replicas: 2,
    });
  });

  it('masks values at the schema secret paths even when they are not digests, and shows unset ones as not set', () => {
    expect(maskConfig({ db: { password: 'clear!', user: 'shop', token: null }, tokens: { ci: 'x' } }, ['db.password', 'db.token', 'tokens.*'])).toEqual({
      db: { password: { secret: true, set: true }, user: 'shop', token: { secret: true, set: false } },
      tokens: { ci: { secret: true, set: true } },
    });
  });

  it("shows get values' (secret) placeholder as a set secret", () => {
    expect(maskConfig({ db: { password: '(secret)' } })).toEqual({ db: { password: { secret: true, set: true } } });
  });

  it('keeps undefined and null configs as they are', () => {
    expect(maskConfig(null)).toBeNull();
  });
});

describe('the form values sent back', () => {
  it('drop masked placeholders and null secrets, so the value underneath is kept', () => {
    const sent = { db: { password: { secret: true, set: true }, user: 'shop', token: null }, other: null };
    expect(withoutUnchangedSecrets(sent, ['db.password', 'db.token'])).toEqual({ db: { user: 'shop' }, other: null });
  });

  it('keep a new secret value typed into the form', () => {
    expect(withoutUnchangedSecrets({ db: { password: 'new-one' } }, ['db.password'])).toEqual({ db: { password: 'new-one' } });
  });

  it('recognise only the exact placeholder shape', () => {
    expect(isMaskedSecret({ secret: true, set: false })).toBe(true);
    expect(isMaskedSecret({ secret: true, set: true, value: 'x' })).toBe(false);
    expect(isMaskedSecret('(secret)')).toBe(false);
  });
});

describe('formSchema', () => {
  it('marks secret fields writeOnly with format password, nested ones too', () => {
    const schema = { type: 'object', properties: { db: { type: 'object', properties: { password: { type: 'string', 'x-berth-secret': true }, user: { type: 'string' } } } } };
    expect(formSchema(schema as never)).toEqual({
      type: 'object',
      properties: { db: { type: 'object', properties: { password: { type: 'string', 'x-berth-secret': true, writeOnly: true, format: 'password' }, user: { type: 'string' } } } },
    });
  });
});

import { validateValues } from '../../../src/config/validate.js';
import { loadValuesWithOrigins } from '../../../src/config/values.js';
import type { JsonSchema } from '../../../src/config/json-schema.js';

/** The shape of the shop's payments config: one secret field with a length rule, one plain field. */
const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    payments: {
      type: 'object',
      additionalProperties: false,
      properties: {
        providerApiKey: { type: 'string', minLength: 20, 'x-berth-secret': true },
        provider: { enum: ['stripe', 'adyen'] },
      },
    },
  },
};

function messageFor(set: string[]): string {
  const { values, origins } = loadValuesWithOrigins({ set });
  try {
    validateValues(schema, values, { origins, source: '--set' });
  } catch (err) {
    return (err as Error & { hint?: string }).message + String((err as { hint?: string }).hint ?? '');
  }
  throw new Error('expected a validation error');
}

describe('validation errors of secret fields', () => {
  it('never echo the rejected value, in the problem, its origin or a quoting hint', () => {
    const message = messageFor(['payments.providerApiKey=8675309123']);
    expect(message).toContain('payments.providerApiKey: expected string, got a number (value hidden: the field is secret) (--set payments.providerApiKey=(hidden))');
    expect(message).not.toContain('8675309123');
  });

  it('hide a value that breaks a length rule', () => {
    const message = messageFor(['payments.providerApiKey=sk_live_short']);
    expect(message).toContain('payments.providerApiKey: expected at least 20 characters, got a string (value hidden: the field is secret)');
    expect(message).not.toContain('sk_live_short');
  });

  it('still quote what was typed for a plain field', () => {
    const message = messageFor(['payments.provider=strip', 'payments.providerApiKey=sk_live_abcdefghijklmnopqrstuvwxyz']);
    expect(message).toContain('(--set payments.provider=strip)');
    expect(message).not.toContain('sk_live_abcdefghijklmnopqrstuvwxyz');
  });
});

import type { RJSFSchema, ValidatorType } from '@rjsf/utils';

/**
 * The form library's validator slot, left empty on purpose: every value is checked by `POST /api/validate` (the
 * CLI's validator and messages) and the answer is shown through `extraErrors`, so the console and the CLI cannot
 * disagree about what is valid.
 */
export const serverSideValidation: ValidatorType = {
  validateFormData: () => ({ errors: [], errorSchema: {} }),
  // Used by rjsf to pick the matching branch of oneOf / anyOf: the first branch whose `type` fits the data.
  isValid: (schema: RJSFSchema, data: unknown) => typeFits(schema.type, data),
  rawValidation: () => ({}),
};

export function typeFits(type: RJSFSchema['type'], data: unknown): boolean {
  if (type === undefined) return true;
  const types = Array.isArray(type) ? type : [type];
  const actual = data === null ? 'null' : Array.isArray(data) ? 'array' : Number.isInteger(data) ? 'integer' : typeof data;
  return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}


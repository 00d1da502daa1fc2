import type { IConstruct } from 'constructs';
import { propError } from './errors.js';

/** Throws unless `value` is an integer in [min, max]; undefined passes (the prop was not set). */
export function checkInt(scope: IConstruct, prop: string, value: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw propError(scope, prop, value, `must be an integer ${range}`);
  }
}

export function checkPort(scope: IConstruct, prop: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw propError(scope, prop, value, 'must be a port number between 1 and 65535');
  }
}

/** Either a count (integer >= 0) or a percentage like '25%': maxSurge, maxUnavailable, minAvailable. */
export function checkIntOrPercent(scope: IConstruct, prop: string, value: number | string | undefined): void {
  if (value === undefined) return;
  if (typeof value === 'number') return checkInt(scope, prop, value, 0);
  const m = /^(\d+)%$/.exec(value);
  if (!m || Number(m[1]) > 100) throw propError(scope, prop, value, "must be an integer >= 0 or a percentage from '0%' to '100%'");
}

const QUANTITY = /^(\d+(\.\d+)?|\.\d+)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const SUFFIX: Record<string, number> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The numeric value of a Kubernetes quantity ('512Mi' → 536870912), or undefined when it is not one. */
export function parseQuantity(value: string): number | undefined {
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * SUFFIX[m[3] ?? '']!;
}

/** `alternative` names another accepted value for the message, e.g. "or 'none'". */
export function checkQuantity(scope: IConstruct, prop: string, value: string | undefined, example: string, alternative?: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || parseQuantity(value) === undefined) {
    const also = alternative ? ` ${alternative}` : '';
    throw propError(scope, prop, value, `is not a Kubernetes quantity: use a number with an optional unit, e.g. '${example}'${also}`);
  }
}

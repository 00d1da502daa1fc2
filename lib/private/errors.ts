import type { IConstruct } from 'constructs';

/** How a prop value is quoted in messages: strings in quotes, everything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}

/**
 * The one error shape of the library: `shop/api: 'replicas' (-1) must be an integer >= 0`.
 * Plain `Error`s with a complete message; the synth driver turns them into user errors.
 */
export function propError(scope: IConstruct, prop: string, value: unknown, problem: string): Error {
  return new Error(`${scope.node.path}: '${prop}' (${show(value)}) ${problem}`);
}

import type { IConstruct } from 'constructs';

/** How a prop value is quoted in messages: strings in quotes, everything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}

/**
 * Every library error starts with the construct path, so the user can find the line that made it:
 * `shop/api: <problem>`. Plain `Error`s with a complete message; the synth driver turns them into user errors.
 */
export function constructError(scope: IConstruct, problem: string): Error {
  return new Error(`${scope.node.path}: ${problem}`);
}

/**
 * The one error shape for a bad prop value: `shop/api: 'replicas' (-1) must be an integer >= 0`. The value is also
 * kept on the error (`propValue`, with the construct's path), so that synth can find the config field it came from.
 */
export function propError(scope: IConstruct, prop: string, value: unknown, problem: string): Error {
  return Object.assign(constructError(scope, `'${prop}' (${show(value)}) ${problem}`), { propValue: value, constructPath: scope.node.path });
}

/** A bad prop whose value must not reach the message because it may be secret: `'secretConfig.X' must be ...`. */
export function secretPropError(scope: IConstruct, prop: string, problem: string): Error {
  return constructError(scope, `'${prop}' ${problem}`);
}

/** A bad key of a map prop (`env`, `config`, `secretConfig`), quoting the key only: values may be secret. */
export function keyError(scope: IConstruct, prop: string, key: string, problem: string): Error {
  return constructError(scope, `'${prop}' key '${key}' ${problem}`);
}

/** A bad name that comes from the release or the application id rather than from a prop: `the namespace 'x' ...`. */
export function nameError(scope: IConstruct, what: string, value: string, problem: string): Error {
  return constructError(scope, `the ${what} '${value}' ${problem}`);
}

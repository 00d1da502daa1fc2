import type { IConstruct } from 'constructs';
import type * as k8s from '../imports/k8s-lib.js';
import { keyError } from './errors.js';

/** HTTP token characters only, which is what the API server accepts (`IsHTTPHeaderName`). */
const HEADER_NAME = /^[-A-Za-z0-9]+$/;

/** The `headers` of an HTTP probe or hook, in the order given; `prop` is where they were set. */
export function renderHeaders(scope: IConstruct, prop: string, headers: Readonly<Record<string, string>> | undefined): k8s.HttpHeader[] | undefined {
  if (headers === undefined) return undefined;
  const seen = new Map<string, string>();
  const out: k8s.HttpHeader[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      const fix = name.replace(/[^-A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'X-Probe';
      throw keyError(scope, prop, name, `is not an HTTP header name: use letters, digits and '-', e.g. '${fix}'`);
    }
    const same = seen.get(name.toLowerCase());
    if (same !== undefined) {
      throw keyError(scope, prop, name, `repeats the header '${same}': header names are case-insensitive; set it once`);
    }
    seen.set(name.toLowerCase(), name);
    // Values are left out of messages: a header may carry a token.
    if (typeof value !== 'string') throw keyError(scope, prop, name, `has a ${value === null ? 'null' : typeof value} value: header values are strings`);
    out.push({ name, value });
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The registry the template-deploy test uses: the shared test helper (verdaccio.ts, `berth registry up` with a home of
 * its own) with `registry=` for every package and reads that need the token, so a bad token is refused on every request.
 */
import { startVerdaccio as start, type TestRegistry } from './verdaccio.js';

export type { TestRegistry };

export function startVerdaccio(): Promise<TestRegistry> {
  return start({ scopes: [], defaultRegistry: true, privateReads: true });
}

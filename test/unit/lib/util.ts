import { Testing } from 'cdk8s';
import type { Construct } from 'constructs';
import { Application, type ReleaseContext } from '../../../lib/index.js';
import { CONTEXT_RELEASE_KEY } from '../../../lib/contract.js';

export interface KubeObj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: any };
  // Tests index freely into synthesized objects.
  [key: string]: any;
}

export const RELEASE: ReleaseContext = { name: 'shop-prod', namespace: 'prod', env: 'prod' };

/** A fresh cdk8s test app, rendering with `releaseKey` as the engine does for a cluster when given. */
export function testApp(releaseKey?: Buffer) {
  const app = Testing.app();
  if (releaseKey) app.node.setContext(CONTEXT_RELEASE_KEY, releaseKey.toString('hex'));
  return app;
}

/** An empty application `shop` in release `shop-prod`, namespace `prod`, inside a fresh cdk8s test app. */
export function makeApp(release: ReleaseContext = RELEASE, releaseKey?: Buffer): Application {
  return new Application(testApp(releaseKey), 'shop', { config: {}, release });
}

/** Builds an application with `build`, validates it like the synth driver and returns its objects. */
export function synth(build: (app: Application) => void, release: ReleaseContext = RELEASE, releaseKey?: Buffer): KubeObj[] {
  const app = makeApp(release, releaseKey);
  build(app);
  const errors = app.node.findAll().flatMap((c) => c.node.validate());
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return app.toJson() as KubeObj[];
}

/** The one object of `kind` (named `name` when given); fails when there is not exactly one. */
export function find(objects: readonly KubeObj[], kind: string, name?: string): KubeObj {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${found.map((o) => o.metadata.name).join(', ') || 'none'}`);
  }
  return found[0]!;
}

/** Validation errors of the whole construct tree, as the synth driver collects them. */
export function validationErrors(scope: Construct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.validate());
}

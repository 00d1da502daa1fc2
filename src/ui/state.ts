import { KubeClient } from '../kube/client.js';
import { loadKubeconfig } from '../kube/kubeconfig.js';
import { SecretRevisionStore } from '../release/store.js';
import { Operations } from './operations.js';

export interface UiOptions {
  readonly kubeconfig?: string;
  /** The context of requests that name none. @default the kubeconfig's current context */
  readonly context?: string;
  readonly version: string;
  /** The project whose apps the deploy form offers. */
  readonly root: string;
}

/** What the routes share for the life of the process: a client per kube context, the running operations. */
export class UiState {
  readonly operations = new Operations();
  /** Aborted when the server stops: running deploys stop at their next safe point and record it. */
  readonly shutdown = new AbortController();
  private readonly clients = new Map<string, Promise<KubeClient>>();

  constructor(
    readonly options: UiOptions,
    readonly csrf: string,
  ) {}

  /** The kubeconfig's contexts, and which one requests default to. */
  contexts(): { name: string; current: boolean }[] {
    const config = loadKubeconfig({ kubeconfig: this.options.kubeconfig, context: this.options.context });
    return config.contexts.map((name) => ({ name, current: name === config.context }));
  }

  client(context?: string): Promise<KubeClient> {
    const name = context || this.options.context || '';
    let client = this.clients.get(name);
    if (!client) {
      client = KubeClient.connect({ kubeconfig: this.options.kubeconfig, context: name || undefined });
      // A bad context name is answered each time, not cached.
      client.catch(() => this.clients.delete(name));
      this.clients.set(name, client);
    }
    return client;
  }

  async store(context: string | undefined, namespace: string): Promise<{ client: KubeClient; store: SecretRevisionStore }> {
    const client = await this.client(context);
    return { client, store: new SecretRevisionStore(client, namespace) };
  }
}

import { KubeClient, type ConnectOptions } from '../kube/client.js';
import { SecretRevisionStore } from './store.js';

export interface StoreOptions extends ConnectOptions {
  /** @default the kubeconfig context's namespace */
  readonly namespace?: string;
}

/** Connects to the cluster and opens the revision store of one namespace: how every release command starts. */
export async function openStore(options: StoreOptions): Promise<{ client: KubeClient; store: SecretRevisionStore; namespace: string }> {
  const client = await KubeClient.connect(options);
  const namespace = options.namespace ?? client.defaultNamespace;
  return { client, store: new SecretRevisionStore(client, namespace), namespace };
}

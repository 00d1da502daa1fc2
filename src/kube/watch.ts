import { createInterface } from 'node:readline';
import { ClusterError } from '../errors.js';
import type { KubeObject } from '../model/manifest-set.js';
import type { KubeClient } from './client.js';
import { sleep } from '../util/process.js';

import type { WatchEventType, WatchOptions } from '../model/kube-api.js';

export type { WatchEventType, WatchOptions } from '../model/kube-api.js';

interface ListResponse {
  items?: KubeObject[];
  metadata?: { resourceVersion?: string };
}

interface RawWatchEvent {
  type: WatchEventType | 'BOOKMARK' | 'ERROR';
  object: KubeObject & { code?: number; message?: string };
}

/**
 * List then watch one kind, the way client-go's informers do: `onEvent` first sees every existing object as
 * ADDED, then every change. A watch that ends (the server closes them every few minutes) is reopened from the
 * last resourceVersion; one that expired (410 Gone) is replaced by a fresh list, which reports what vanished
 * meanwhile as DELETED, so a caller never misses that a pod went away. Resolves when the signal aborts.
 */
export async function follow(
  client: KubeClient,
  apiVersion: string,
  kind: string,
  options: WatchOptions,
  onEvent: (type: WatchEventType, obj: KubeObject) => void,
): Promise<void> {
  const { signal } = options;
  const path = await client.collectionPathOf(apiVersion, kind, options.namespace);
  const subject = { verb: 'watch', what: `${kind} objects`, namespace: options.namespace, server: client.server, context: client.context };
  const known = new Map<string, KubeObject>();
  const uid = (o: KubeObject) => String(o.metadata.uid ?? `${o.metadata.namespace}/${o.metadata.name}`);
  let resourceVersion: string | undefined;

  const relist = async () => {
    const list = await client.call<ListResponse>({ method: 'GET', path, query: { labelSelector: options.labelSelector } }, { ...subject, verb: 'list' });
    const seen = new Set<string>();
    for (const item of list.items ?? []) {
      const o = { ...item, apiVersion, kind };
      seen.add(uid(o));
      onEvent(known.has(uid(o)) ? 'MODIFIED' : 'ADDED', o);
      known.set(uid(o), o);
    }
    for (const [id, o] of known) {
      if (seen.has(id)) continue;
      known.delete(id);
      onEvent('DELETED', o);
    }
    resourceVersion = list.metadata?.resourceVersion;
    options.onSync?.();
  };

  let failures = 0;
  while (!signal.aborted) {
    try {
      if (resourceVersion === undefined) await relist();
      const res = await client.stream(
        { path, query: { watch: 1, resourceVersion, allowWatchBookmarks: true, labelSelector: options.labelSelector, timeoutSeconds: 300 }, accept: 'application/json' },
        subject,
        signal,
      );
      failures = 0;
      for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as RawWatchEvent;
        if (event.type === 'ERROR') {
          // 410 Gone: the resourceVersion is too old; anything else: start over from a list as well.
          resourceVersion = undefined;
          break;
        }
        resourceVersion = String(event.object.metadata?.resourceVersion ?? resourceVersion);
        if (event.type === 'BOOKMARK') continue;
        const o = { ...event.object, apiVersion, kind };
        if (event.type === 'DELETED') known.delete(uid(o));
        else known.set(uid(o), o);
        onEvent(event.type, o);
      }
    } catch (err) {
      if (signal.aborted) return;
      // Permission problems do not get better by retrying.
      if (err instanceof ClusterError && (err.status === 401 || err.status === 403)) throw err;
      failures++;
      options.onReconnect?.(err);
      resourceVersion = undefined;
      await sleep(Math.min(5000, 250 * 2 ** failures));
    }
  }
}

import { useCallback, useEffect, useState } from 'react';
import { ApiFailure, getJson } from '../api.js';

export interface Loaded<T> {
  readonly data?: T;
  readonly error?: ApiFailure | Error;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** `GET path` whenever it changes (undefined: nothing to load); a newer request cancels the one in flight. */
export function useApi<T>(path: string | undefined): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: path !== undefined });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === undefined) return undefined;
    const abort = new AbortController();
    setState((s) => ({ data: s.data, loading: true }));
    getJson<T>(path, abort.signal).then(
      (data) => setState({ data, loading: false }),
      (error: Error) => {
        if (error.name !== 'AbortError') setState({ error, loading: false });
      },
    );
    return () => abort.abort();
  }, [path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** A value that follows `value` once it has stopped changing for `ms` (search boxes, inline validation). */
export function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return current;
}

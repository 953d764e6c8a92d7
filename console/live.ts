import { useEffect, useRef, useState } from 'preact/hooks';
import { notLiveReason } from './api';

/** How often an open view asks the API again: new and changed alerts show within this plus the pipeline. */
export const POLL_MS = 1500;

export type LiveState = { live: true; at: number } | { live: false; why: string };

type Listener = (state: LiveState) => void;
const listeners = new Set<Listener>();
/** The header's indicator: the last poll of any view says whether the page is live. */
export const reportLive = (state: LiveState): void => {
  for (const listener of listeners) listener(state);
};
export const useLiveState = (): LiveState | undefined => {
  const [state, setState] = useState<LiveState>();
  useEffect(() => {
    listeners.add(setState);
    return () => listeners.delete(setState);
  }, []);
  return state;
};

/**
 * Loads `load()` now and every POLL_MS while the view is open (paused while the tab is hidden), so a
 * view shows what changed without a reload. Polling, not a push channel: the same page then works
 * against a deployed stage, where API Gateway HTTP APIs offer no server-sent events.
 */
export const usePoll = <T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data: T | undefined; error: unknown; reload: () => void } => {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const tick = useRef(0);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      const mine = ++tick.current;
      try {
        const value = await load();
        if (stopped || mine !== tick.current) return;
        setData(value);
        setError(undefined);
        reportLive({ live: true, at: Date.now() });
      } catch (e) {
        if (stopped) return;
        setError(e);
        reportLive({ live: false, why: notLiveReason(e) });
      }
      if (!stopped) timer = setTimeout(run, document.hidden ? POLL_MS * 4 : POLL_MS);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [...deps, nonce]); // the caller lists what `load` depends on
  return { data, error, reload: () => setNonce((n) => n + 1) };
};

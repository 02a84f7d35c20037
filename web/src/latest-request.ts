import { useCallback, useRef } from 'react';

/**
 * Runs the requests whose answers fill one view, and applies an answer only if no newer request was started
 * since: a slower earlier answer (the unfiltered list, a reload begun before the filter changed) never
 * replaces a newer one. A view emptied without asking (a search cleared) runs that as a request too, whose
 * answer is nothing, so an answer still on its way is dropped.
 */
export function useLatestRequest() {
  const latest = useRef(0);
  return useCallback(async <T>(request: () => Promise<T>, apply: (answer: T) => void): Promise<void> => {
    const mine = ++latest.current;
    const answer = await request();
    if (mine === latest.current) apply(answer);
  }, []);
}

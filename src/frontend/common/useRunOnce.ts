import { useEffect, useRef } from 'react';

/**
 * Runs `effect` once when the component mounts.
 * React.StrictMode (which the entry files use) mounts, unmounts and remounts every component in development, running
 * effects twice; that would invoke a resolver twice per open and spend the site's Xray budget. Refs survive that
 * simulated remount, so a ref guard keeps it to one call. The effect is not cancelled on unmount for the same reason:
 * the first (and only) call must be allowed to land.
 */
export function useRunOnce(effect: () => void): void {
  const started = useRef(false);
  const latest = useRef(effect);
  latest.current = effect;
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    latest.current();
  }, []);
}

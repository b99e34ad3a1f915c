import { useEffect, useRef } from 'react';

/**
 * Runs `effect` once when the component mounts.
 * The entry files use React.StrictMode, which in development mounts, unmounts and remounts components on a concurrent
 * root, running effects twice. `@forge/react` 12 renders a legacy root, where that does not happen, but a resolver
 * call per open is worth guarding: each may spend the site's scarce Xray budget. Refs survive the simulated remount,
 * so a ref guard is enough. The call is not cancelled on unmount for the same reason: the only call must land.
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

import { startTransition, useEffect, useState } from 'react';

/**
 * A tiny history-API router: the current path and a navigate function.
 *
 * `onGo` runs with the new address before the page changes (the app starts the page's chunk and
 * data there, early.ts, so both load together rather than one after the other). The change is a
 * transition: the page on screen stays until the next one's chunk is in, instead of a "Loading…"
 * fallback that React then keeps for at least 300 ms (its suspense throttle) after the chunk came.
 */
export function usePath(onGo?: (where: Location) => void): [string, (to: string) => void] {
  const [path, setPath] = useState(() => window.location.pathname);
  useEffect(() => {
    const on = () => {
      onGo?.(window.location);
      startTransition(() => setPath(window.location.pathname));
    };
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, [onGo]);
  const navigate = (to: string) => {
    if (to !== window.location.pathname) window.history.pushState(null, '', to);
    onGo?.(window.location);
    startTransition(() => setPath(to));
  };
  return [path, navigate];
}

import type { Store } from "@outreach/core/port";

/**
 * A map kept per store (per composed system), so two apps in one process never share entries: the
 * key cache and the API-call counts use it.
 */
export const perStore = <V>() => {
  const maps = new WeakMap<object, Map<string, V>>();
  return (store: Store) => {
    const known = maps.get(store);
    if (known) return known;
    const m = new Map<string, V>();
    maps.set(store, m);
    return m;
  };
};

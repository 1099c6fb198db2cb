import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";

/** The console lives under this path; routes below it are the app's (`/console/groups/grp_…`). */
export const BASE = "/console";

const subscribers = new Set<() => void>();

const here = () => {
  const p = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : "/";
  return p === "" ? "/" : p;
};

export const navigate = (to: string, opts: { replace?: boolean } = {}) => {
  history[opts.replace ? "replaceState" : "pushState"](null, "", BASE + to);
  for (const s of subscribers) s();
};

/** The current in-app path, re-rendering on navigation. */
export const usePath = () => {
  const [path, setPath] = useState(here());
  useEffect(() => {
    const update = () => setPath(here());
    subscribers.add(update);
    addEventListener("popstate", update);
    return () => {
      subscribers.delete(update);
      removeEventListener("popstate", update);
    };
  }, []);
  return path;
};

/** `/groups/:id` against `/groups/grp_1` → `{ id: "grp_1" }`, or undefined. */
export const match = (pattern: string, path: string): Record<string, string> | undefined => {
  const a = pattern.split("/").filter(Boolean);
  const b = path.split("/").filter(Boolean);
  if (a.length !== b.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    const seg = a[i]!;
    if (seg.startsWith(":")) params[seg.slice(1)] = decodeURIComponent(b[i]!);
    else if (seg !== b[i]) return undefined;
  }
  return params;
};

/** An in-app link: a real `href` (open in a new tab works), navigation without a reload. */
export const Link = ({ to, children, ...rest }: { to: string; children: ComponentChildren } & Omit<JSX.HTMLAttributes<HTMLAnchorElement>, "href">) => (
  <a
    {...rest}
    href={BASE + to}
    onClick={(e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(to);
    }}
  >
    {children}
  </a>
);

/**
 * Stand-ins for SST's and Pulumi's globals that record what `sst.config.ts` builds instead of building
 * it: every `new X(name, args)` and every call is kept with the arguments it was given. A property of
 * a recorded resource is a reference (`<Events.arn>`) that prints, interpolates and serializes as
 * its path, so an assertion can tell a reference from a literal value.
 */
export const PATH = Symbol("path");

export interface Created {
  type: string;
  name: string;
  args: any;
}
export interface Called {
  fn: string;
  args: any[];
}

export const isRef = (v: unknown): boolean => typeof v === "function" && (v as any)[PATH] !== undefined;

export const createRecorder = (opts: { stage: string; dev?: boolean }) => {
  const created: Created[] = [];
  const called: Called[] = [];

  const ref = (path: string): any =>
    // A plain function (not an arrow) so that `new` works on it.
    new Proxy(function resource() {}, {
      get(_, prop) {
        if (prop === PATH) return path;
        if (prop === Symbol.toPrimitive || prop === "toString" || prop === "toJSON") return () => `<${path}>`;
        if (prop === "then" || typeof prop === "symbol") return undefined;
        return ref(`${path}.${prop}`);
      },
      construct(_, args) {
        const name = String(args[0]);
        created.push({ type: path, name, args: args[1] ?? {} });
        return ref(name);
      },
      apply(_, __, args) {
        called.push({ fn: path, args });
        return ref(`${path}()`);
      },
    });

  /** `$output(v)`: enough of an Output for transforms (`.apply`); `.value` reads what it holds. */
  const output = (value: unknown): any => ({ value, apply: (f: (v: unknown) => unknown) => output(f(value)) });

  const globals: Record<string, unknown> = {
    sst: ref("sst"),
    aws: ref("aws"),
    $config: (c: unknown) => c,
    $app: { name: "outreach", stage: opts.stage },
    $dev: opts.dev ?? false,
    $interpolate: (strings: TemplateStringsArray, ...values: unknown[]) =>
      strings.reduce((s, part, i) => s + part + (i < values.length ? String(values[i]) : ""), ""),
    $jsonStringify: (v: unknown) => JSON.stringify(v),
    $output: output,
  };

  return {
    created,
    called,
    install() {
      for (const [k, v] of Object.entries(globals)) (globalThis as any)[k] = v;
    },
    uninstall() {
      for (const k of Object.keys(globals)) delete (globalThis as any)[k];
    },
    /** The one resource of this type and name. */
    one(type: string, name: string): Created {
      const found = created.filter((c) => c.type === type && c.name === name);
      if (found.length !== 1) throw new Error(`expected one ${type} "${name}", found ${found.length}`);
      return found[0]!;
    },
  };
};

/** What an `initialize` middleware of the SDK sees, and what the lean clients give it. */
export interface Context {
  clientName: string;
  commandName: string;
}
export type Handler = (args: { input: any }) => Promise<{ output: any }>;
export type Middleware = (next: Handler, context: Context) => Handler;

/**
 * The part of the SDK's middleware stack the code uses (`add` at the `initialize` step, `remove` by
 * name): `mapUnavailable`, the local runtime's `instrument`, the bench's counter and tests add their
 * middleware this way. Each wraps the whole call, retries included, as it does in the SDK, and sees
 * the command's document input and unmarshalled output. The first added is the outermost.
 */
export const createChain = () => {
  const entries: { name?: string; mw: Middleware }[] = [];
  return {
    add(mw: Middleware, opts: { step?: string; name?: string } = {}) {
      if ((opts.step ?? "initialize") !== "initialize") throw new Error(`the lean AWS clients run initialize middleware only, not ${opts.step}`);
      if (opts.name && entries.some((e) => e.name === opts.name)) throw new Error(`Duplicate middleware name '${opts.name}'`);
      entries.push({ name: opts.name, mw });
    },
    remove(nameOrMw: string | Middleware) {
      const i = entries.findIndex((e) => e.name === nameOrMw || e.mw === nameOrMw);
      if (i >= 0) entries.splice(i, 1);
      return i >= 0;
    },
    run(context: Context, input: unknown, core: Handler) {
      let handler = core;
      for (let i = entries.length - 1; i >= 0; i--) handler = (entries[i] as { mw: Middleware }).mw(handler, context);
      return handler({ input });
    },
  };
};

export type Chain = ReturnType<typeof createChain>;

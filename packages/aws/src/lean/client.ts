import { createChain, type Middleware } from "./chain";
import type { Transport } from "./transport";

/**
 * What the code uses of an SDK client: `send(new XCommand(input))`, and `middlewareStack.add` /
 * `remove` at the `initialize` step. `S` is the SDK client it stands in for.
 */
type SdkLike = { send: unknown; middlewareStack: { add: unknown; remove: unknown } };

export interface LeanClient<S extends SdkLike> {
  send: S["send"];
  middlewareStack: Pick<S["middlewareStack"], "add" | "remove">;
}

interface SdkClient {
  send: (command: never) => Promise<unknown>;
  middlewareStack: { add: (mw: never, opts: never) => void; remove: (nameOrMw: never) => boolean };
}

export interface Operation {
  /** The wire operation: `UpdateItem`, `ReceiveMessage`. */
  name: string;
  /** The command's input as the wire wants it (DynamoDB: marshalled), and its answer as the SDK's output has it. */
  toWire?: (command: any, input: Record<string, unknown>) => unknown;
  fromWire?: (command: any, output: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * A client that makes the listed operations itself, through `transport`, and hands every other
 * command to the SDK client `sdk`. Middleware added to it is added to both paths, so a middleware
 * sees every call whichever path makes it: the lean path gives it `{ clientName, commandName }` and
 * `{ input }`, and expects `{ output }` back, as the SDK's `initialize` step does.
 */
export const createLeanClient = <S extends SdkLike>(opts: {
  sdk: S;
  clientName: string;
  transport: Transport;
  /** By command class (classes, not names: bundlers rename classes). */
  operations: Map<unknown, Operation>;
  requestTimeoutMs?: (input: Record<string, unknown>) => number | undefined;
}): LeanClient<S> => {
  const sdk = opts.sdk as unknown as SdkClient;
  const chain = createChain();
  const send = async (command: { input: Record<string, unknown> }) => {
    const op = opts.operations.get(command.constructor);
    if (!op) return sdk.send(command as never);
    const result = await chain.run({ clientName: opts.clientName, commandName: `${op.name}Command` }, command.input, async (args) => {
      const wire = op.toWire ? op.toWire(command, args.input) : args.input;
      const { output, $metadata } = await opts.transport.call(op.name, wire, { requestTimeoutMs: opts.requestTimeoutMs?.(args.input) });
      return { output: { ...(op.fromWire ? op.fromWire(command, output) : output), $metadata } };
    });
    return result.output;
  };
  const middlewareStack = {
    add(mw: Middleware, o: { step?: string; name?: string }) {
      chain.add(mw, o);
      sdk.middlewareStack.add(mw as never, o as never);
    },
    remove(nameOrMw: string | Middleware) {
      const removed = chain.remove(nameOrMw);
      return sdk.middlewareStack.remove(nameOrMw as never) || removed;
    },
  };
  return { send, middlewareStack } as unknown as LeanClient<S>;
};

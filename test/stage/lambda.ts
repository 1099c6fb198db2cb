import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";

const RUNTIME = fileURLToPath(new URL("./lambda-runtime.mjs", import.meta.url));

export interface LambdaOptions {
  name: string;
  /** The bundle's directory (dist/functions/<name>): the environment's /var/task. */
  dir: string;
  /** The function's environment as infra declares it, plus what AWS and SST add (credentials, region, links). */
  env: Record<string, string>;
  timeoutSeconds: number;
  /** Node 22, as Lambda's `nodejs22.x`. */
  node: string;
  /** Execution environments at most (Lambda's concurrency for this function): beyond, invocations wait. */
  concurrency?: number;
  /** Every line the function logs (stdout and stderr), tagged with the function's name. */
  log: (line: string) => void;
}

export interface StreamedResponse {
  contentType: string;
  chunks: AsyncIterable<Buffer>;
}

type Pending = {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onHead?: (contentType: string) => void;
  onChunk?: (b: Buffer) => void;
  onEnd?: () => void;
};

interface Env {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  pending: Map<string, Pending>;
}

/**
 * A Lambda function the way the Lambda service runs it: execution environments (one process each, on
 * Node 22, cwd = the bundle) created on demand up to the concurrency, each handling one invocation at
 * a time; module scope survives between invocations of one environment; an invocation past the
 * timeout ends with "Task timed out" and its environment is discarded (Lambda freezes and recycles it).
 */
export const createLambda = (o: LambdaOptions) => {
  const envs: Env[] = [];
  const waiting: ((e: Env) => void)[] = [];
  const max = o.concurrency ?? 8;
  let stopped = false;
  /** `process.listenerCount("unhandledRejection")` right after the module was imported (the last environment started). */
  let unhandledRejectionListeners: number | undefined;

  const spawnEnv = (): Env => {
    const child = spawn(o.node, ["--enable-source-maps", RUNTIME], {
      cwd: o.dir,
      env: { PATH: process.env.PATH ?? "", ...o.env },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const lines = (prefix: string) => (d: Buffer) => {
      for (const l of d.toString().split("\n")) if (l.trim()) o.log(`${prefix} ${l}`);
    };
    child.stdout?.on("data", lines(`[${o.name}]`));
    child.stderr?.on("data", lines(`[${o.name}:stderr]`));
    const env: Env = { child, busy: true, pending: new Map(), ready: Promise.resolve() };
    env.ready = new Promise<void>((resolve, reject) => {
      child.on("message", (m: any) => {
        if (m.type === "ready") {
          unhandledRejectionListeners = m.unhandledRejectionListeners;
          return resolve();
        }
        if (m.type === "init-error") return reject(new Error(`${o.name}: Runtime.ImportModuleError: ${m.error}`));
        const p = env.pending.get(m.id);
        if (!p) return;
        if (m.type === "result") p.resolve(m.value);
        else if (m.type === "error") p.reject(Object.assign(new Error(m.error.errorMessage), { name: m.error.errorType }));
        else if (m.type === "head") p.onHead?.(m.contentType);
        else if (m.type === "chunk") p.onChunk?.(Buffer.from(m.data, "base64"));
        else if (m.type === "end") {
          p.onEnd?.();
          p.resolve(undefined);
        }
      });
      child.on("exit", (code) => {
        reject(new Error(`${o.name}: the environment exited (${code}) before it was ready`));
        for (const p of env.pending.values()) p.reject(new Error(`${o.name}: Runtime.ExitError (exit ${code})`));
        env.pending.clear();
        const i = envs.indexOf(env);
        if (i >= 0) envs.splice(i, 1);
      });
    });
    envs.push(env);
    return env;
  };

  const acquire = async (): Promise<Env> => {
    if (stopped) throw new Error(`${o.name} is stopped`);
    const idle = envs.find((e) => !e.busy);
    if (idle) {
      idle.busy = true;
      return idle;
    }
    if (envs.length < max) {
      const env = spawnEnv();
      await env.ready;
      return env;
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const releaseEnv = (env: Env) => {
    const next = waiting.shift();
    if (next && envs.includes(env)) next(env);
    else env.busy = false;
  };

  const run = async (event: unknown, hooks: Omit<Pending, "resolve" | "reject"> = {}) => {
    const env = await acquire();
    const id = randomUUID();
    const deadline = Date.now() + o.timeoutSeconds * 1000;
    const context = { awsRequestId: id, functionName: o.name, functionVersion: "$LATEST", memoryLimitInMB: "1024", deadline };
    try {
      return await new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => {
          env.pending.delete(id);
          o.log(`[${o.name}] Task timed out after ${o.timeoutSeconds}.00 seconds`);
          // The environment is discarded: the next invocation gets another (a cold start).
          if (envs.includes(env)) envs.splice(envs.indexOf(env), 1);
          env.child.kill("SIGKILL");
          reject(Object.assign(new Error(`Task timed out after ${o.timeoutSeconds}.00 seconds`), { name: "Sandbox.Timedout" }));
        }, o.timeoutSeconds * 1000);
        const done =
          <T>(f: (v: T) => void) =>
          (v: T) => {
            clearTimeout(timer);
            env.pending.delete(id);
            f(v);
          };
        env.pending.set(id, { ...hooks, resolve: done(resolve), reject: done(reject) });
        env.child.send({ type: "invoke", id, event, context });
      });
    } finally {
      releaseEnv(env);
    }
  };

  return {
    name: o.name,
    /** A buffered (RequestResponse) invocation: the handler's result, or its error. */
    invoke: (event: unknown) => run(event),
    /**
     * A response-streaming invocation (`InvokeWithResponseStream`, what a Function URL in
     * RESPONSE_STREAM mode does): chunks arrive as the handler writes them.
     */
    invokeStream(event: unknown): Promise<StreamedResponse & { done: Promise<unknown> }> {
      return new Promise((resolveHead, rejectHead) => {
        const queue: Buffer[] = [];
        let wake: (() => void) | undefined;
        let ended = false;
        let failed: Error | undefined;
        const chunks = (async function* () {
          while (true) {
            if (queue.length) yield queue.shift() as Buffer;
            else if (failed) throw failed;
            else if (ended) return;
            else await new Promise<void>((r) => (wake = r));
          }
        })();
        const done = run(event, {
          onHead: (contentType) => resolveHead({ contentType, chunks, done }),
          onChunk: (b) => {
            queue.push(b);
            wake?.();
          },
          onEnd: () => {
            ended = true;
            wake?.();
          },
        });
        done.catch((e: Error) => {
          failed = e;
          ended = true;
          wake?.();
          rejectHead(e);
        });
      });
    },
    /** Unhandled-rejection listeners the function's module installed at import (undefined before a cold start). */
    unhandledRejectionListeners: () => unhandledRejectionListeners,
    /** Environments alive now (cold starts create them). */
    environments: () => envs.length,
    async stop() {
      stopped = true;
      await Promise.all(
        envs.splice(0).map(
          (e) =>
            new Promise<void>((r) => {
              e.child.once("exit", () => r());
              e.child.kill("SIGTERM");
              setTimeout(() => e.child.kill("SIGKILL"), 2000).unref();
            }),
        ),
      );
    },
  };
};

export type Lambda = ReturnType<typeof createLambda>;

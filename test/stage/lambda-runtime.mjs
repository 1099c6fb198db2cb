// One Lambda execution environment, the way Lambda's Node.js runtime runs a function (stage test).
// Started by lambda.ts under Node 22 with the function's environment, in the bundle's directory (its
// /var/task). Like the runtime interface client (aws-lambda-nodejs-runtime-interface-client):
// - `awslambda.streamifyResponse` and `awslambda.HttpResponseStream` are globals before the handler
//   module is imported (hono/aws-lambda's `streamHandle` calls them at import time);
// - `HttpResponseStream.from(stream, prelude)` sets the content type
//   `application/vnd.awslambda.http-integration-response` and writes the JSON prelude then 8 NUL bytes
//   before the first chunk (src/HttpResponseStream.js);
// - one invocation at a time per environment; an import failure is an init error.
// Invocations come over IPC: {type: "invoke", id, event, context}; answers go back the same way.
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";

const STREAMING = Symbol.for("aws.lambda.runtime.handler.streaming");
const PRELUDE_TYPE = "application/vnd.awslambda.http-integration-response";
const send = (m) => process.send?.(m);

globalThis.awslambda = {
  streamifyResponse(handler) {
    handler[STREAMING] = "response";
    return handler;
  },
  HttpResponseStream: {
    from(stream, prelude) {
      stream.setContentType(PRELUDE_TYPE);
      const json = JSON.stringify(prelude);
      stream._onBeforeFirstWrite = (write) => {
        write(Buffer.from(json));
        write(Buffer.alloc(8));
      };
      return stream;
    },
  },
};

const responseStream = (id) => {
  let first = true;
  let contentType = "application/octet-stream";
  const stream = new Writable({
    write(chunk, _enc, done) {
      const out = (c) => send({ type: "chunk", id, data: Buffer.from(c).toString("base64") });
      if (first) {
        first = false;
        send({ type: "head", id, contentType });
        stream._onBeforeFirstWrite?.(out);
      }
      out(chunk);
      done();
    },
    final(done) {
      if (first) {
        first = false;
        send({ type: "head", id, contentType });
        stream._onBeforeFirstWrite?.((c) => send({ type: "chunk", id, data: Buffer.from(c).toString("base64") }));
      }
      done();
    },
  });
  stream.setContentType = (t) => {
    contentType = t;
  };
  return stream;
};

let handler;
try {
  const mod = await import(pathToFileURL(`${process.cwd()}/index.mjs`).href);
  handler = mod.handler;
  if (typeof handler !== "function") throw new Error("index.handler is undefined or not exported");
  // What the module installed at import, for the suite: a process-level unhandled-rejection handler.
  send({ type: "ready", unhandledRejectionListeners: process.listenerCount("unhandledRejection") });
} catch (e) {
  console.error(JSON.stringify({ errorType: "Runtime.ImportModuleError", errorMessage: String(e?.stack ?? e) }));
  send({ type: "init-error", error: String(e?.message ?? e) });
  process.exit(1);
}

process.on("message", async (m) => {
  if (m?.type !== "invoke") return;
  const { id, event, context } = m;
  const ctx = { ...context, getRemainingTimeInMillis: () => Math.max(0, context.deadline - Date.now()), callbackWaitsForEmptyEventLoop: true };
  try {
    if (handler[STREAMING]) {
      const stream = responseStream(id);
      await handler(event, stream, ctx);
      if (!stream.writableFinished) await new Promise((r) => (stream.writableEnded ? stream.once("finish", r) : stream.end(r)));
      send({ type: "end", id });
    } else {
      const value = await handler(event, ctx);
      send({ type: "result", id, value: value === undefined ? null : value });
    }
  } catch (e) {
    console.error(JSON.stringify({ errorType: e?.name ?? "Error", errorMessage: String(e?.message ?? e) }));
    send({ type: "error", id, error: { errorType: e?.name ?? "Error", errorMessage: String(e?.message ?? e) } });
  }
});

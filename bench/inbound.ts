import { createCounter, runtime } from "./lib";
import { PRICES } from "./pipeline";

/**
 * Inbound messages through the worker's path: the sandbox transport hands each message to the session
 * host's `inbound` event (as Baileys does, without waiting for the previous one), which stores it once
 * per WhatsApp message id with its conversation summary and the day's count, and attributes replies to
 * bulk sends. Measures stored messages per second and the AWS requests and units per message, for
 * new conversations, for replies to a bulk send, and for redeliveries of messages already stored.
 */
export const inbound = async (n = Number(process.env.BENCH_INBOUND ?? 2000), concurrency = Number(process.env.BENCH_INBOUND_CONCURRENCY ?? 32)) => {
  const counter = createCounter();
  const rt = await runtime(counter);
  const sandbox = rt.sandbox;
  if (!sandbox) throw new Error("the inbound bench needs the sandbox transport");
  try {
    const session = await rt.session();
    const phone = (prefix: number, i: number) => `+55119${String(prefix).padStart(4, "0")}${String(i).padStart(4, "0")}`;

    /** Feeds `count` messages, `concurrency` at a time; resolves with the seconds it took and the units per message. */
    const feed = async (count: number, msg: (i: number) => { from: string; text: string; id: string }) => {
      counter.reset();
      counter.resume();
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = next++; i < count; i = next++) {
            const m = msg(i);
            await sandbox.inbound(session, m.from, m.text, { messageId: m.id });
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      counter.pause();
      const c = counter.snapshot();
      const per = (x: number) => Math.round((x / count) * 100) / 100;
      return {
        messages: count,
        seconds: Math.round(seconds * 100) / 100,
        messages_per_second: Math.round((count / seconds) * 10) / 10,
        write_units_per_message: per(c.writeUnits),
        gsi_write_units_per_message: per(c.gsiWriteUnits),
        read_units_per_message: per(c.readUnits),
        dynamodb_requests_per_message: Object.fromEntries(
          Object.entries(c.counts)
            .filter(([k]) => k.startsWith("DynamoDB."))
            .map(([k, v]) => [k.slice("DynamoDB.".length), per(v)]),
        ),
        // DynamoDB only: inbound messages make no queue requests (the idle long polls are a fixed cost).
        usd_per_10k: Math.round(((c.writeUnits + c.gsiWriteUnits) * PRICES.writeUnit + c.readUnits * PRICES.readUnit) * (10_000 / count) * 10_000) / 10_000,
      };
    };

    // Warm the JIT of DynamoDB Local and of this process on the same path first.
    counter.pause();
    await feed(Math.min(500, n), (i) => ({ from: phone(9000, i % 200), text: `warm ${i}`, id: `WARM${i}` }));

    // New conversations: every message from another contact, nobody was sent anything.
    const fresh = await feed(n, (i) => ({ from: phone(1000 + Math.floor(i / 10000), i % 10000), text: `Olá, mensagem ${i}`, id: `IN${i}` }));
    // The same messages delivered again: each is recognised by its id and stored once.
    const redelivered = await feed(n, (i) => ({ from: phone(1000 + Math.floor(i / 10000), i % 10000), text: `Olá, mensagem ${i}`, id: `IN${i}` }));

    // Replies: a bulk send reached `k` contacts; each answers once (the reply is counted on the job).
    const k = Math.min(n, 1000);
    counter.pause();
    const group = await rt.group(k, 3000);
    const job = await rt.call("POST", "/bulk-send", {
      session_id: session,
      custom_group_id: group,
      message_content: "Oi {{name}}",
      min_delay_seconds: 0,
      max_delay_seconds: 0,
    });
    for (;;) {
      const j = await rt.call("GET", `/bulk-send/${job.id}`);
      if (j.status === "completed") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // Its receipts (delivered ~1 s, read ~2 s after each send) are not the replies' cost.
    await new Promise((r) => setTimeout(r, 3000));
    const replies = await feed(k, (i) => ({ from: phone(3000, i), text: "Tenho interesse", id: `RE${i}` }));
    const after = await rt.call("GET", `/bulk-send/${job.id}`);
    if (after.replied_count !== k) throw new Error(`expected ${k} replies on the job, found ${after.replied_count}`);
    return { concurrency, new_conversations: fresh, redelivered, replies_to_a_bulk_send: replies };
  } finally {
    await rt.close();
  }
};

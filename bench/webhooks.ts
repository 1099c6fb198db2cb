import http from "node:http";
import type { AddressInfo } from "node:net";
import { createCounter, runtime } from "./lib";
import { PRICES } from "./pipeline";

/**
 * Webhook deliveries to a receiver on 127.0.0.1 (answering 200 at once): `n` `contact.opted_out`
 * events from one `POST /opt-outs`, each delivered to one webhook. Deliveries per second are counted
 * from the first delivery received to the last. The requests and units per delivery are the
 * difference between the same opt-outs with and without the webhook (the opt-outs' own writes cancel).
 */
export const webhooks = async (n = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 1000)) => {
  const counter = createCounter();
  const rt = await runtime(counter, { allowPrivateUrls: true });
  const arrivals: number[] = [];
  const ids = new Set<string>();
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      arrivals.push(performance.now());
      ids.add(JSON.parse(body).id);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const phones = (prefix: number) => Array.from({ length: n }, (_, i) => `+55119${prefix}${String(i).padStart(4, "0")}`);
  const settle = () => new Promise((r) => setTimeout(r, 3000));
  try {
    // Warm up both paths (JIT of DynamoDB Local and of this process), uncounted.
    counter.pause();
    const warm = await rt.call("POST", "/webhooks", { name: "warm", url, events: ["contact.opted_out"] });
    await rt.call("POST", "/opt-outs", { phones: phones(7000).slice(0, 200) });
    while (arrivals.length < 200) await new Promise((r) => setTimeout(r, 50));
    await rt.call("DELETE", `/webhooks/${warm.id}`);
    await settle();

    // The opt-outs alone.
    counter.reset();
    counter.resume();
    await rt.call("POST", "/opt-outs", { phones: phones(8000) });
    await settle();
    counter.pause();
    const alone = counter.snapshot();

    // The same number of opt-outs, each delivered to the webhook.
    await rt.call("POST", "/webhooks", { name: "bench", url, events: ["contact.opted_out"] });
    arrivals.length = 0;
    ids.clear();
    counter.reset();
    counter.resume();
    await rt.call("POST", "/opt-outs", { phones: phones(9000) });
    while (arrivals.length < n) await new Promise((r) => setTimeout(r, 20));
    await settle();
    counter.pause();
    const withHooks = counter.snapshot();

    const seconds = ((arrivals.at(-1) as number) - (arrivals[0] as number)) / 1000;
    const per = (a: number, b: number) => Math.round(((a - b) / n) * 100) / 100;
    const commands = new Set([...Object.keys(alone.counts), ...Object.keys(withHooks.counts)]);
    const requests = Object.fromEntries(
      [...commands].map((k) => [k, per(withHooks.counts[k] ?? 0, alone.counts[k] ?? 0)]).filter(([, v]) => (v as number) > 0),
    );
    const sqs = Object.entries(requests)
      .filter(([k]) => k.startsWith("SQS."))
      .reduce((a, [, v]) => a + (v as number), 0);
    const writeUnits = per(withHooks.writeUnits + withHooks.gsiWriteUnits, alone.writeUnits + alone.gsiWriteUnits);
    const readUnits = per(withHooks.readUnits, alone.readUnits);
    return {
      deliveries: n,
      distinct_events_received: ids.size,
      received: arrivals.length,
      seconds: Math.round(seconds * 100) / 100,
      deliveries_per_second: Math.round((n / seconds) * 10) / 10,
      requests_per_delivery: requests,
      write_units_per_delivery: writeUnits,
      read_units_per_delivery: readUnits,
      usd_per_10k_deliveries: Math.round((sqs * PRICES.sqsRequest + writeUnits * PRICES.writeUnit + readUnits * PRICES.readUnit) * 10_000 * 10_000) / 10_000,
    };
  } finally {
    server.closeAllConnections();
    server.close();
    await rt.close();
  }
};

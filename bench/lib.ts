import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { createDb, createStore, ensureTable } from "../packages/aws/src/store";
import { startDynamoLocal } from "../packages/local/src/dynamo-local";
import { freePort } from "../packages/local/src/net";
import { startRuntime } from "../packages/local/src/runtime";

/** The key attributes of the table's one global index (projection ALL, as SST's Dynamo creates it). */
const GSI_KEYS = ["gsi1pk", "gsi1sk"];

/** The size a read is counted at for an item the query did not return whole (a recipient item is ≈ 250 bytes). */
const ITEM_BYTES = 250;

const text = (v: any): string => (typeof v === "string" ? v : (v?.S ?? String(v?.N ?? "")));

/** One write as the index sees it: the item's key, and whether the write puts it in, takes it out or leaves that as it was. */
type IndexWrite = { key: string; after: boolean | "unchanged"; movesKey: boolean };

const indexWrites = (commandName: string, input: any): IndexWrite[] => {
  const keyOf = (k: any) => `${text(k?.pk)}|${text(k?.sk)}`;
  const put = (item: any): IndexWrite => ({ key: keyOf(item), after: GSI_KEYS.some((a) => item && a in item), movesKey: false });
  const update = (u: any): IndexWrite => {
    // Clauses of the update expression (attribute name placeholders resolved): does it set or remove an index key attribute?
    const names: Record<string, string> = u.ExpressionAttributeNames ?? {};
    const expr = (u.UpdateExpression ?? "").replace(/#\w+/g, (n: string) => names[n] ?? n);
    const clauses = expr.split(/\b(?=SET|REMOVE|ADD|DELETE)\b/);
    const touches = (verb: string, keys = GSI_KEYS) => clauses.some((c: string) => c.startsWith(verb) && keys.some((a) => new RegExp(`\\b${a}\\b`).test(c)));
    // The index is sparse: setting only its sort key (a conversation summary of a bulk send) does not put an item in it.
    return {
      key: keyOf(u.Key),
      after: touches("REMOVE") ? false : touches("SET", [GSI_KEYS[0] as string]) ? true : "unchanged",
      movesKey: touches("SET"),
    };
  };
  const del = (k: any): IndexWrite => ({ key: keyOf(k), after: false, movesKey: false });
  switch (commandName) {
    case "PutItemCommand":
      return [put(input.Item)];
    case "UpdateItemCommand":
      return [update(input)];
    case "DeleteItemCommand":
      return [del(input.Key)];
    case "BatchWriteItemCommand":
      return Object.values(input.RequestItems ?? {}).flatMap((reqs: any) =>
        reqs.map((r: any) => (r.PutRequest ? put(r.PutRequest.Item) : del(r.DeleteRequest?.Key))),
      );
    case "TransactWriteItemsCommand":
      return (input.TransactItems ?? []).flatMap((t: any) => (t.Put ? [put(t.Put.Item)] : t.Update ? [update(t.Update)] : t.Delete ? [del(t.Delete.Key)] : []));
    default:
      return [];
  }
};

/** The kind of item a key names, e.g. `T#/JOB#` or `JOB#/R#` (the prefixes of its keys; tenant and ids dropped). */
const kindOf = (k: any) => {
  const head = (v: string) => (v.includes("#") ? v.slice(0, v.indexOf("#") + 1) : v);
  return `${head(text(k?.pk))}/${head(text(k?.sk))}`.replace(/[\d:.TZ-]{10,}/g, "<time>");
};

/** Write units by item kind and operation, e.g. `Update JOB#/R#` (transaction items count 2, condition checks too). */
const unitsByItem = (commandName: string, input: any): [string, number][] => {
  switch (commandName) {
    case "PutItemCommand":
      return [[`Put ${kindOf(input.Item)}`, 1]];
    case "UpdateItemCommand":
      return [[`Update ${kindOf(input.Key)}`, 1]];
    case "DeleteItemCommand":
      return [[`Delete ${kindOf(input.Key)}`, 1]];
    case "BatchWriteItemCommand":
      return Object.values(input.RequestItems ?? {}).flatMap((reqs: any) =>
        reqs.map((r: any): [string, number] =>
          r.PutRequest ? [`BatchPut ${kindOf(r.PutRequest.Item)}`, 1] : [`BatchDelete ${kindOf(r.DeleteRequest?.Key)}`, 1],
        ),
      );
    case "TransactWriteItemsCommand":
      return (input.TransactItems ?? []).map((t: any): [string, number] =>
        t.Put
          ? [`Tx.Put ${kindOf(t.Put.Item)}`, 2]
          : t.Update
            ? [`Tx.Update ${kindOf(t.Update.Key)}`, 2]
            : t.Delete
              ? [`Tx.Delete ${kindOf(t.Delete.Key)}`, 2]
              : [`Tx.Check ${kindOf(t.ConditionCheck?.Key)}`, 2],
      );
    default:
      return [];
  }
};

/**
 * Requests made through the runtime's AWS SDK clients, by service and command, with estimated write
 * and read units. `gsiWriteUnits` are the index's own writes, which on-demand bills on top of the
 * table's: an item that enters, leaves or changes while in gsi1 costs one more write unit (two when
 * its index key changes: the old entry is deleted, the new one put). Whether an item is in the index
 * is tracked from the writes seen (also while paused), so items written before counting began are
 * taken as outside it, and a write that removes index attributes from an item outside the index (the
 * moves out of `sending` still remove the claim's old `SENDING` place) counts nothing, as on AWS.
 */
export const createCounter = () => {
  const counts: Record<string, number> = {};
  const millis: Record<string, number> = {};
  let writeUnits = 0;
  let gsiWriteUnits = 0;
  let readUnits = 0;
  const byItem: Record<string, number> = {};
  let paused = false;
  const indexed = new Set<string>();
  const trackIndex = (commandName: string, input: any) => {
    let units = 0;
    for (const w of indexWrites(commandName, input)) {
      const before = indexed.has(w.key);
      const after = w.after === "unchanged" ? before : w.after;
      if (before && after) units += w.movesKey ? 2 : 1;
      else if (before || after) units += 1;
      if (after) indexed.add(w.key);
      else indexed.delete(w.key);
    }
    return units;
  };
  const instrument = (client: { middlewareStack: { add: (...args: any[]) => void } }) => {
    client.middlewareStack.add(
      (next: any, context: any) => async (args: any) => {
        // The index changes only when the write happens: a refused condition (a cancelled transaction) writes nothing to it.
        if (paused) {
          const result = await next(args);
          trackIndex(context.commandName, args.input ?? {});
          return result;
        }
        const name = `${context.clientName?.replace("Client", "") ?? "?"}.${context.commandName?.replace("Command", "") ?? "?"}`;
        counts[name] = (counts[name] ?? 0) + 1;
        const input = args.input ?? {};
        for (const [k, u] of unitsByItem(context.commandName, input)) byItem[k] = (byItem[k] ?? 0) + u;
        // On-demand units for items under 1 KB: transactions cost 2 per item, strongly consistent reads 1 per item.
        if (context.commandName === "TransactWriteItemsCommand") writeUnits += 2 * (input.TransactItems?.length ?? 0);
        else if (context.commandName === "BatchWriteItemCommand")
          writeUnits += Object.values(input.RequestItems ?? {}).reduce((n: number, v: any) => n + v.length, 0);
        else if (["PutItemCommand", "UpdateItemCommand", "DeleteItemCommand"].includes(context.commandName)) writeUnits += 1;
        else if (["GetItemCommand"].includes(context.commandName)) readUnits += input.ConsistentRead ? 1 : 0.5;
        else if (context.commandName === "BatchGetItemCommand")
          for (const v of Object.values(input.RequestItems ?? {}) as any[]) readUnits += (v.Keys?.length ?? 0) * (v.ConsistentRead ? 1 : 0.5);
        const t0 = performance.now();
        try {
          const result = await next(args);
          gsiWriteUnits += trackIndex(context.commandName, args.input ?? {});
          // Long polls that ended with messages (on AWS idle polls are a fixed cost; these are the per-message ones).
          if (context.commandName === "ReceiveMessageCommand" && (result.output?.Messages?.length ?? 0) > 0)
            counts["SQS.ReceiveMessage (with messages)"] = (counts["SQS.ReceiveMessage (with messages)"] ?? 0) + 1;
          // A query reads 4 KB per unit of what it reads (estimated from the items' JSON size). Items a
          // filter dropped (`ScannedCount` − `Count`) were read too: at the returned items' size where
          // they are whole, else at a recipient item's (≈ 250 B). A projection's items count as returned.
          if (context.commandName === "QueryCommand") {
            const returned = JSON.stringify(result.output?.Items ?? []).length;
            const count = result.output?.Count ?? 0;
            const scanned = result.output?.ScannedCount ?? count;
            const dropped = Math.max(0, scanned - count);
            const bytes = returned + dropped * (!input.ProjectionExpression && count > 0 ? returned / count : ITEM_BYTES);
            readUnits += Math.max(1, Math.ceil(bytes / 4096)) * (input.ConsistentRead ? 1 : 0.5);
          }
          return result;
        } finally {
          millis[name] = (millis[name] ?? 0) + performance.now() - t0;
        }
      },
      { step: "initialize", name: "outreachBenchCounter" },
    );
  };
  return {
    instrument,
    snapshot: () => ({ counts: { ...counts }, millis: { ...millis }, writeUnits, gsiWriteUnits, readUnits, byItem: { ...byItem } }),
    /** Stops counting until `resume` (the work between measured phases is not a message's cost). */
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
    reset() {
      for (const k of Object.keys(counts)) delete counts[k];
      for (const k of Object.keys(millis)) delete millis[k];
      for (const k of Object.keys(byItem)) delete byItem[k];
      writeUnits = 0;
      gsiWriteUnits = 0;
      readUnits = 0;
    },
  };
};

/** A local runtime in this process, on a fresh data directory, unlimited plan, no rate limit. */
export const runtime = async (counter?: ReturnType<typeof createCounter>, opts: { allowPrivateUrls?: boolean; workers?: number } = {}) => {
  const dataDir = mkdtempSync(join(tmpdir(), "outreach-bench-"));
  const port = await freePort();
  const rt = await startRuntime({
    port,
    dataDir,
    transport: "sandbox",
    devPlan: "unlimited",
    logLevel: "warn",
    rateLimitPerSecond: 0,
    instrument: counter?.instrument,
    allowPrivateUrls: opts.allowPrivateUrls,
    workers: opts.workers,
  });
  const H = { "X-API-Key": rt.devKey, "content-type": "application/json" };
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v2${path}`, { method, headers: H, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await res.json()) as any;
  };
  return {
    ...rt,
    dataDir,
    /** CPU seconds the runtime's DynamoDB Local (java) has used so far. */
    dynamoCpuSeconds: () => javaCpuSeconds(dataDir),
    base,
    key: rt.devKey,
    call,
    async session() {
      const s = await call("POST", "/sessions", { name: "bench" });
      while ((await call("GET", `/sessions/${s.id}`)).status !== "working") await new Promise((r) => setTimeout(r, 50));
      return s.id as string;
    },
    async group(n: number, prefix = 1000) {
      const g = await call("POST", "/custom-groups", { name: `bench ${n}` });
      for (let i = 0; i < n; i += 1000) {
        const contacts = Array.from({ length: Math.min(1000, n - i) }, (_, j) => ({
          phone: `+55119${String(prefix).padStart(4, "0")}${String(i + j).padStart(4, "0")}`,
          name: `Member ${i + j}`,
        }));
        await call("POST", `/custom-groups/${g.id}/members/add`, { contacts });
      }
      return g.id as string;
    },
    async close() {
      await rt.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
};

export const machine = () => `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

/** CPU seconds (user + system) and resident memory (MB) of a process, from /proc. */
export const procStats = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100, rssMb: Math.round(Number(rss ?? 0) / 1024) };
};

/** CPU seconds (user + system) of the java process whose command line mentions `dataDir`; 0 when not found. */
const javaCpuSeconds = (dataDir: string) => {
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmd.includes("DynamoDBLocal") || !cmd.includes(dataDir)) continue;
      return procStats(Number(pid)).cpuSeconds;
    } catch {}
  }
  return 0;
};

/** A DynamoDB Local started as the runtime starts it (data on disk), with the table and the store. */
export const benchDynamo = async (name: string, javaOptions?: string[]) => {
  const dataDir = mkdtempSync(join(tmpdir(), `outreach-${name}-`));
  const dl = await startDynamoLocal({ dataDir: join(dataDir, "dynamodb"), ...(javaOptions ? { javaOptions } : {}) });
  const db = createDb({ table: "outreach", endpoint: dl.endpoint });
  await ensureTable(db);
  return {
    db,
    store: createStore(db),
    /** The Java process's CPU seconds so far. */
    cpuSeconds: () => procStats(dl.pid).cpuSeconds,
    async close() {
      await dl.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** Two decimals. */
export const round = (x: number) => Math.round(x * 100) / 100;
/** The median (the mean of the middle two for an even count). */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

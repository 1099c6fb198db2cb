import type { Events } from "@outreach/core/event";
import type { Clock, TransportEvents } from "@outreach/core/port";

/** Counted as they happen and published (then reset) once a period. */
export type Counter =
  | "MessagesSent"
  | "MessagesFailed"
  | "SessionsLoggedOut"
  | "SessionsUpdateRequired"
  | "SessionsRestricted"
  | "StoreErrors"
  | "WorkerStarts";
/** Read at each publication: sessions this worker hosts, sends due and untaken in its shards' queues. */
export type Gauge = "Sessions" | "SendsBacklog";

export interface Metrics {
  count(name: Counter, n?: number): void;
  /** Publishes what was counted since the last time, with the gauges read now. */
  flush(): Promise<void>;
  start(): void;
  /** Stops the timer and publishes what is left. */
  stop(): Promise<void>;
}

export interface MetricsOptions {
  namespace: string;
  /** One dimension set for every metric (e.g. `{ Stage: "prod" }`): the fleet's metrics add up across tasks. */
  dimensions: Record<string, string>;
  gauges?: () => Promise<Partial<Record<Gauge, number>>>;
  /** Where a line goes: stdout on AWS (the task's log group), whence CloudWatch extracts the metrics. */
  write: (line: string) => void;
  clock: Clock;
  /** Publication period (default 60 s: the scaling policies read one value a minute per task). */
  everyMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * A worker's metrics in CloudWatch's embedded metric format: one JSON log line a minute whose `_aws`
 * member names the namespace, dimensions and metrics; CloudWatch Logs turns it into metrics at
 * ingestion (no PutMetricData call, no extra permission). Counters are sums over the minute; gauges
 * are this worker's value, so `Average` over the fleet is "per task" and `Sum` is the fleet's total.
 */
export const createMetrics = (o: MetricsOptions): Metrics => {
  const counters = new Map<Counter, number>();
  let timer: ReturnType<typeof setInterval> | undefined;
  const flush = async () => {
    let gauges: Partial<Record<Gauge, number>> = {};
    try {
      gauges = (await o.gauges?.()) ?? {};
    } catch (e) {
      o.onError?.(e);
    }
    const values: Record<string, number> = { ...gauges };
    for (const [k, v] of counters) values[k] = v;
    counters.clear();
    const names = Object.keys(values);
    if (!names.length) return;
    o.write(
      JSON.stringify({
        _aws: {
          Timestamp: o.clock.now(),
          CloudWatchMetrics: [{ Namespace: o.namespace, Dimensions: [Object.keys(o.dimensions)], Metrics: names.map((Name) => ({ Name, Unit: "Count" })) }],
        },
        ...o.dimensions,
        ...values,
      }),
    );
  };
  return {
    count(name, n = 1) {
      counters.set(name, (counters.get(name) ?? 0) + n);
    },
    flush,
    start() {
      timer ??= setInterval(() => void flush().catch((e) => o.onError?.(e)), o.everyMs ?? 60_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flush();
    },
  };
};

/** Counts sends and failures as the sender reports them for webhooks. */
export const countingEvents = (events: Events, metrics: Pick<Metrics, "count">): Events => ({
  ...events,
  emit(tenantId, list) {
    for (const e of list) {
      if (e.type === "message.sent") metrics.count("MessagesSent");
      if (e.type === "message.failed") metrics.count("MessagesFailed");
    }
    return events.emit(tenantId, list);
  },
});

/** Counts sessions that logged out, that WhatsApp refused for an outdated Web version (405), and restrictions (463, the reach-out lock). */
export const countingTransportEvents = (events: TransportEvents, metrics: Pick<Metrics, "count">): TransportEvents => ({
  ...events,
  status(e) {
    if (e.status === "stopped" || e.status === "failed") {
      // WhatsApp unlinked the device (401), not a logout asked for through the API ("logged out").
      if (/logged out from the phone/i.test(e.reason ?? "")) metrics.count("SessionsLoggedOut");
      if (/update required|405|web version/i.test(e.reason ?? "")) metrics.count("SessionsUpdateRequired");
    }
    return events.status(e);
  },
  restricted(e) {
    metrics.count("SessionsRestricted");
    return events.restricted(e);
  },
});

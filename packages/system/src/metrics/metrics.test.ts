import { ignoredTransportEvents } from "@outreach/core/port";
import { describe, expect, it } from "vitest";
import { countingEvents, countingTransportEvents, createMetrics } from "./index";

/**
 * The worker's metrics in CloudWatch's embedded metric format (the specification: a root `_aws`
 * member with `Timestamp` and `CloudWatchMetrics: [{ Namespace, Dimensions, Metrics }]`, and each
 * dimension and metric as a root member of the same line).
 */
describe("worker metrics", () => {
  it("writes one EMF line a period with the counts since the last one and the gauges read now", async () => {
    const lines: string[] = [];
    let sessions = 3;
    const m = createMetrics({
      namespace: "Outreach",
      dimensions: { Stage: "prod" },
      gauges: async () => ({ Sessions: sessions, SendsBacklog: 7 }),
      write: (l) => lines.push(l),
      clock: { now: () => 1234, sleep: async () => {} },
    });
    m.count("MessagesSent");
    m.count("MessagesSent", 2);
    m.count("MessagesFailed");
    await m.flush();
    const first = JSON.parse(lines[0] as string);
    expect(first._aws).toEqual({
      Timestamp: 1234,
      CloudWatchMetrics: [
        {
          Namespace: "Outreach",
          Dimensions: [["Stage"]],
          Metrics: ["Sessions", "SendsBacklog", "MessagesSent", "MessagesFailed"].map((Name) => ({ Name, Unit: "Count" })),
        },
      ],
    });
    expect(first).toMatchObject({ Stage: "prod", Sessions: 3, SendsBacklog: 7, MessagesSent: 3, MessagesFailed: 1 });
    sessions = 1;
    await m.flush();
    const second = JSON.parse(lines[1] as string);
    expect(second).toMatchObject({ Sessions: 1 });
    expect(second.MessagesSent).toBeUndefined();
  });

  it("counts sends and failures from the sender's events, and logged-out or outdated sessions from the transport", async () => {
    const m = createMetrics({ namespace: "Outreach", dimensions: { Stage: "s" }, write: () => {}, clock: { now: () => 0, sleep: async () => {} } });
    const counted: string[] = [];
    const metrics = { count: (n: string) => counted.push(n) };
    const events = countingEvents({ emit: async () => {} }, metrics);
    await events.emit("t", [
      { type: "message.sent", key: "a", at: "", data: {} },
      { type: "message.failed", key: "b", at: "", data: {} },
      { type: "message.read", key: "c", at: "", data: {} },
    ]);
    const statuses: string[] = [];
    const transport = countingTransportEvents({ ...ignoredTransportEvents, status: async (e) => void statuses.push(e.status) }, metrics);
    await transport.status({ sessionId: "s", status: "stopped", reason: "logged out from the phone (the linked device was removed); pair again to reconnect" });
    await transport.status({ sessionId: "s", status: "stopped", reason: "logged out" });
    await transport.status({ sessionId: "s", status: "failed", reason: "WhatsApp requires a newer WhatsApp Web version (405 update required)" });
    await transport.status({ sessionId: "s", status: "starting", reason: "connection lost; reconnecting" });
    await transport.restricted({ sessionId: "s", code: "463", reason: "restricted from starting new chats", until: null });
    expect(counted).toEqual(["MessagesSent", "MessagesFailed", "SessionsLoggedOut", "SessionsUpdateRequired", "SessionsRestricted"]);
    expect(statuses).toEqual(["stopped", "stopped", "failed", "starting"]);
    await m.stop();
  });
});

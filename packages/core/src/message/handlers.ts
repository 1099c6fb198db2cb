import type { Deps } from "../deps";
import * as Group from "../group";
import * as Jobs from "../job";
import * as Timer from "../timer";
import * as Webhook from "../webhook";
import type { Handlers } from "./index";

/**
 * The handlers of the domain's own messages, the same wherever they run (events Lambda, local
 * runtime). Messages that need a session host or a sender (`send`, `session.*`) get their handlers
 * from the role that has them.
 */
export const domainHandlers = (
  d: Deps,
): Pick<Handlers, "job.snapshot" | "job.plan" | "job.finalize" | "group.purge" | "purge" | "timer.fire" | "webhook.deliver"> => {
  // One per process: it keeps this process's line of attempts per webhook.
  const deliver = Webhook.createDelivery(d);
  return {
    "job.snapshot": (m) => Jobs.snapshot(d, m.tenant_id, m.job_id, { budgetMs: 20_000 }),
    "job.plan": (m) => Jobs.planJob(d, m),
    "job.finalize": (m) => Jobs.finalize(d, m.tenant_id, m.job_id),
    "group.purge": async (m) => {
      if (await Group.purge(d, m.tenant_id, m.group_id)) await d.queue.send("events", [{ body: m }]);
    },
    purge: async (m) => {
      const max = 500;
      const deleted =
        m.kind === "session"
          ? await d.store.sessions.purge(m.tenant_id, m.id, max)
          : m.kind === "schedule"
            ? await d.store.scheduleRuns.purge(m.id, max)
            : m.kind === "webhook"
              ? await d.store.webhooks.deliveries.purge(m.tenant_id, m.id, max)
              : m.kind === "monitor"
                ? await d.store.monitors.purge(m.tenant_id, m.id, max)
                : m.kind === "collector"
                  ? await d.store.reviews.purge(m.tenant_id, m.id, max)
                  : (await d.store.reportRuns.purge(m.id, max)) + (await d.store.executions.purge(m.id, max));
      if (deleted > 0) await d.queue.send("events", [{ body: m }]);
    },
    "timer.fire": (m) => Timer.fire(d, m),
    "webhook.deliver": (m, ctx) => deliver(m, ctx),
  };
};

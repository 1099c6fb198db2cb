import type { Deps } from "../deps";
import * as Group from "../group";
import * as Jobs from "../job";
import * as Monitor from "../monitor";
import * as Report from "../report";
import * as Review from "../review";
import * as Schedule from "../schedule";
import * as Session from "../session";
import * as Timer from "../timer";
import * as Webhook from "../webhook";
import type { Handlers, MessageOf } from "./index";

/** What a deleted record left behind, purged by its own noun (a new kind adds one line). */
const PURGES: Record<MessageOf<"purge">["kind"], (d: Deps, tenantId: string, id: string, max: number) => Promise<number>> = {
  session: Session.purgeLeftovers,
  schedule: Schedule.purgeLeftovers,
  report: Report.purgeLeftovers,
  webhook: Webhook.purgeLeftovers,
  monitor: Monitor.purgeLeftovers,
  collector: Review.purgeLeftovers,
};

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
      if ((await PURGES[m.kind](d, m.tenant_id, m.id, 500)) > 0) await d.queue.send("events", [{ body: m }]);
    },
    "timer.fire": (m) => Timer.fire(d, m),
    "webhook.deliver": (m, ctx) => deliver(m, ctx),
  };
};

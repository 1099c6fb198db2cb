import * as Campaign from "../campaign";
import type { Deps } from "../deps";
import * as Group from "../group";
import * as Timer from "../timer";
import type { Handlers } from "./index";

/**
 * The handlers of the domain's own messages, the same wherever they run (events Lambda, local
 * runtime). Messages that need a session host or a sender (`send`, `session.*`) get their handlers
 * from the role that has them.
 */
export const domainHandlers = (d: Deps): Pick<Handlers, "job.snapshot" | "job.plan" | "job.finalize" | "group.purge" | "timer.fire"> => ({
  "job.snapshot": (m) => Campaign.snapshot(d, m.tenant_id, m.job_id, { budgetMs: 20_000 }),
  "job.plan": (m) => Campaign.planJob(d, m),
  "job.finalize": (m) => Campaign.finalize(d, m.tenant_id, m.job_id),
  "group.purge": async (m) => {
    if (await Group.purge(d, m.group_id)) await d.queue.send("events", [{ body: m }]);
  },
  "timer.fire": (m) => Timer.fire(d, m),
});

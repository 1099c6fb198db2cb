import { createLogger } from "@outreach/log";
import { describe, expect, it } from "vitest";
import type { Domain } from "../domain";
import type { Adapters } from "../roles";
import { createSystemWith } from ".";

/**
 * The events Lambda imports the domain (handlers, planner, recurrence) at the first message that
 * needs it: session control is relayed without it, a domain message loads it once, and a failed
 * import is tried again at the next message.
 */
describe("a system whose domain is loaded at first use", () => {
  const setup = (failFirst = false) => {
    const relayed: unknown[] = [];
    const purged: unknown[] = [];
    let loads = 0;
    const domain = {
      domainHandlers: () => ({ purge: async (m: unknown) => void purged.push(m) }),
    } as unknown as Domain;
    const loadDomain = async () => {
      loads++;
      if (failFirst && loads === 1) throw new Error("chunk not loaded");
      return domain;
    };
    const adapters = {
      queue: { send: async (_q: string, messages: { body: unknown }[]) => void relayed.push(...messages.map((x) => x.body)) },
      claimant: "test~1",
    } as unknown as Adapters;
    const system = createSystemWith(undefined, loadDomain)({ roles: ["events"], adapters, logger: createLogger({ level: "silent" }), durableQueues: true });
    return { system, relayed, purged, loads: () => loads };
  };
  const sync = { type: "session.sync", tenant_id: "ten_1", session_id: "ses_1" };
  const purge = { type: "purge", kind: "webhook", tenant_id: "ten_1", id: "wh_1" };

  it("relays session control without loading it, then loads it once for the domain's messages", async () => {
    const t = setup();
    const { handle } = await t.system;
    await handle(sync);
    expect(t.relayed).toEqual([sync]);
    expect(t.loads()).toBe(0);
    await handle(purge);
    await handle({ ...purge, id: "wh_2" });
    expect(t.purged).toEqual([purge, { ...purge, id: "wh_2" }]);
    expect(t.loads()).toBe(1);
  });

  it("tries a failed load again at the next message", async () => {
    const t = setup(true);
    const { handle } = await t.system;
    await expect(handle(purge)).rejects.toThrow("chunk not loaded");
    await handle(purge);
    expect(t.purged).toEqual([purge]);
    expect(t.loads()).toBe(2);
  });
});

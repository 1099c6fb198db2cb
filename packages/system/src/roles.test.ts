import { createLogger } from "@outreach/log";
import { describe, expect, expectTypeOf, it } from "vitest";
import { createSystem } from "./index";
import type { Adapters, SystemConfig } from "./roles";

/**
 * A role's prerequisites are types: a config that lacks them does not compile (`npm run typecheck`
 * fails on an unused `@ts-expect-error`). The calls below are only type-checked, never run.
 */
const compileOnly = (adapters: Adapters) => {
  const logger = createLogger({ level: "silent" });
  const base = { adapters, logger, durableQueues: true };
  const transport = () => ({}) as never;
  // @ts-expect-error the host role needs a transport
  void createSystem({ ...base, roles: ["host"], owner: "w1" });
  // @ts-expect-error the host role needs an owner id
  void createSystem({ ...base, roles: ["host", "sender"], transport });
  // @ts-expect-error the sender needs the host in the same process
  void createSystem({ ...base, roles: ["sender"], owner: "w1" });
  // @ts-expect-error the api role needs its settings
  void createSystem({ ...base, roles: ["api"] });
  // Complete configs compile, one per entry point's roles.
  void createSystem({ ...base, roles: ["host", "sender"], transport, owner: "w1" });
  void createSystem({ ...base, roles: ["events"] });
  void createSystem({ ...base, roles: ["sweeper"] });
};

describe("roles are typed", () => {
  it("a config for the host role carries its transport and owner; one without the host carries neither", () => {
    expectTypeOf<SystemConfig<["host"]>>().toHaveProperty("transport");
    expectTypeOf<SystemConfig<["host"]>["owner"]>().toEqualTypeOf<string & (string | undefined)>();
    expectTypeOf<SystemConfig<["events"]>>().not.toHaveProperty("transport");
    expect(typeof compileOnly).toBe("function");
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { isAccessDenied, mapUnavailable } from "./index";

afterEach(() => vi.restoreAllMocks());

/** The middleware every SDK client of ours carries (DynamoDB, SQS, Scheduler), run on a stack of one. */
const run = async (error: Error) => {
  let mw: ((next: () => Promise<unknown>, ctx: { commandName: string }) => () => Promise<unknown>) | undefined;
  mapUnavailable({ middlewareStack: { add: (m: any) => (mw = m) } });
  return (mw as NonNullable<typeof mw>)(() => Promise.reject(error), { commandName: "SendMessageBatchCommand" })();
};

describe("AWS errors", () => {
  it("logs an AccessDenied at error where it happens and passes it on unchanged", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const denied = Object.assign(new Error("User: arn:aws:sts::1:assumed-role/api is not authorized to perform: sqs:SendMessage"), {
      name: "AccessDeniedException",
    });
    await expect(run(denied)).rejects.toBe(denied);
    const line = JSON.parse(String(out.mock.calls[0]?.[0]));
    expect(line).toMatchObject({ level: 50, code: "AccessDeniedException", command: "SendMessageBatchCommand" });
    expect(line.error).toContain("sqs:SendMessage");
  });

  it("turns unreachable services into `unavailable`, and logs nothing for other errors", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    await expect(run(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))).rejects.toMatchObject({ kind: "unavailable" });
    await expect(run(Object.assign(new Error("nope"), { name: "ConditionalCheckFailedException" }))).rejects.toMatchObject({
      name: "ConditionalCheckFailedException",
    });
    expect(out).not.toHaveBeenCalled();
    expect(["AccessDenied", "AccessDeniedException"].map((name) => isAccessDenied({ name }))).toEqual([true, true]);
    expect(isAccessDenied({ name: "ResourceNotFoundException" })).toBe(false);
  });
});

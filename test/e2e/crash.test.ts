import { afterAll, describe, expect, it } from "vitest";
import { type Client, client, phones, waitFor, workingSession } from "../helpers/api";
import { type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

const ROUNDS = Number(process.env.OUTREACH_CRASH_ROUNDS ?? 5);
/** Long enough that the kill (0.3–4.3 s after the job is created) lands while it sends. */
const RECIPIENTS = 300;

/** All recipients of a job, page by page. */
const recipients = async (api: Client, jobId: string) => {
  const out: { phone: string; status: string }[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { recipients: { phone: string; status: string }[]; next_cursor: string | null } } = await api.get(
      `/bulk-send/${jobId}/recipients?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    out.push(...page.body.recipients);
    cursor = page.body.next_cursor;
  } while (cursor);
  return out;
};

describe("crash safety", () => {
  let rt: RuntimeProcess | undefined;
  afterAll(async () => {
    await rt?.stop();
    if (rt) removeDir(rt.dataDir);
  });

  it(`SIGKILL at a random moment of a ${RECIPIENTS}-recipient job, ${ROUNDS} times: nobody gets two messages, every recipient ends sent, unknown or failed`, async () => {
    const env = { OUTREACH_DEV_PLAN: "unlimited", OUTREACH_RATE_LIMIT: "0" };
    rt = await startRuntimeProcess({ env });
    let api = client(rt.url, rt.key);
    const session = await workingSession(api);
    for (let round = 0; round < ROUNDS; round++) {
      const members = phones(RECIPIENTS).map((phone) => ({ phone }));
      const group = await api.post("/custom-groups", { name: `crash ${round}`, members });
      const job = await api.post("/bulk-send", {
        session_id: session.id,
        custom_group_id: group.body.id,
        message_content: `round ${round}`,
        min_delay_seconds: 0,
        max_delay_seconds: 0,
      });
      expect(job.status).toBe(201);
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 4000));
      await rt.kill();
      rt = await startRuntimeProcess({ dataDir: rt.dataDir, env });
      api = client(rt.url, rt.key);
      const done = await waitFor(
        async () => {
          const j = (await api.get(`/bulk-send/${job.body.id}`)).body;
          return j.status === "completed" ? j : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 500, what: `round ${round} to complete` },
      );
      const sb = client(rt.url);
      const sent = (await sb.get(`/sandbox/api/messages?session_id=${session.id}`)).body.messages.filter((m: { text: string }) => m.text === `round ${round}`);
      const perPhone = new Map<string, number>();
      for (const m of sent) perPhone.set(m.to, (perPhone.get(m.to) ?? 0) + 1);
      expect(
        [...perPhone.values()].every((n) => n === 1),
        `round ${round}: a phone got two messages`,
      ).toBe(true);
      const states = await recipients(api, job.body.id);
      expect(states).toHaveLength(RECIPIENTS);
      for (const r of states) {
        expect(["sent", "delivered", "read", "unknown", "failed"]).toContain(r.status);
        if (["sent", "delivered", "read"].includes(r.status)) expect(perPhone.get(r.phone), r.phone).toBe(1);
      }
      expect(done.sent_count + done.unknown_count + done.failed_count).toBe(RECIPIENTS);
      expect(done.pending_count).toBe(0);
    }
  }, 900_000);
});

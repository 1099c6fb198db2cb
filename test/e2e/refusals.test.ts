import { describe, expect, it } from "vitest";
import { groupWith, newTenant, sandbox, waitFor, waitJob, workingSession } from "../helpers/api";

/**
 * WhatsApp refusing a restricted account's messages, end to end through the running local runtime:
 * the sandbox's `refused_463` does what the Baileys adapter reports for `handleBadAck` with 463 (a
 * failed receipt with the code, and the restriction), and the API and the webhooks show it.
 */
describe("a restricted account's refused messages (issue 32)", () => {
  it("fail the recipient with the reason, pause the session's bulk send as restricted and announce message.failed", async () => {
    const { api } = await newTenant("pro");
    const s = await workingSession(api, "restricted number");
    const hook = await api.post("/webhooks", { name: "crm", url: "https://hooks.example.com/outreach", events: ["message.failed", "bulk_send.paused"] });
    expect(hook.status).toBe(201);
    const g = await groupWith(api, 3);
    for (const phone of g.phones) expect((await sandbox().post("/sandbox/api/receipts", { phone, mode: "refused_463" })).status).toBe(200);
    // 4 s apart: the first message's refusal (after ~1 s) pauses the job before the second goes out.
    const job = await api.post("/bulk-send", {
      session_id: s.id,
      custom_group_id: g.id,
      message_content: "Oi {{name}}",
      min_delay_seconds: 4,
      max_delay_seconds: 4,
    });
    expect(job.status).toBe(201);
    const paused = await waitJob(api, job.body.id, ["paused"], 30_000);
    expect(paused).toMatchObject({
      pause_reason: "restricted",
      pause_detail: expect.stringMatching(/restricted this account from starting new chats \(463\)/),
      restricted_until: null,
    });
    const failed = await waitFor(async () => {
      const r = (await api.get(`/bulk-send/${job.body.id}/recipients?status=failed`)).body.recipients as { phone: string; error: string }[];
      return r.length === 1 ? r : undefined;
    });
    expect(failed[0]?.error).toMatch(/refused the message \(463\).*Not retried/);
    const after = (await api.get(`/bulk-send/${job.body.id}`)).body;
    expect(after).toMatchObject({ status: "paused", sent_count: 0, failed_count: 1, pending_count: 2 });
    const events = await waitFor(async () => {
      const d = (await api.get(`/webhooks/${hook.body.id}/deliveries?limit=50`)).body.deliveries as { event: string }[];
      const types = d.map((x) => x.event).sort();
      return types.includes("message.failed") && types.includes("bulk_send.paused") ? types : undefined;
    });
    expect(events).toEqual(["bulk_send.paused", "message.failed"]);
    // Nothing more goes out while paused: the other two recipients are never tried.
    await new Promise((r) => setTimeout(r, 5000));
    expect((await api.get(`/bulk-send/${job.body.id}`)).body).toMatchObject({ status: "paused", failed_count: 1, pending_count: 2 });
  });
});

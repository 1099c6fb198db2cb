import { describe, expect, it } from "vitest";
import { groupWith, newTenant, sandbox, waitFor, waitJob, workingSession } from "../helpers/api";

const fast = { min_delay_seconds: 0, max_delay_seconds: 0 };

type OptOut = { phone: string; source: string; name: string | null; bulk_send_id: string | null };

describe.concurrent("opt-outs a campaign caused (issue 33)", () => {
  it("a STOP after a bulk send is that campaign's opt-out, with the contact's name; the list finds it by digits, name or campaign", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const g = await groupWith(api, 3);
    const [a, b, c] = g.phones as [string, string, string];
    const job = await api.post("/bulk-send", { name: "Winter sale", session_id: s.id, custom_group_id: g.id, message_content: "Oi {{name}}", ...fast });
    expect(job.status, job.text).toBe(201);
    await waitJob(api, job.body.id, ["completed"]);

    // a writes STOP (twice: WhatsApp redelivers), b is opted out through the API, c only replies.
    for (const text of ["STOP", "stop"]) expect((await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: a, text })).status).toBe(200);
    expect((await api.post("/opt-outs", { phones: [b] })).body).toMatchObject({ added: 1 });
    expect((await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: c, text: "Obrigado" })).status).toBe(200);

    const counted = await waitFor(
      async () => {
        const j = (await api.get(`/bulk-send/${job.body.id}`)).body;
        return j.opted_out_count === 1 && j.replied_count === 1 ? j : undefined;
      },
      { what: "the campaign's opt-out and reply" },
    );
    expect(counted).toMatchObject({ opted_out_count: 1, replied_count: 1, sent_count: 3 });
    const all = (await api.get("/opt-outs")).body.opt_outs as OptOut[];
    expect(all.map((o) => [o.phone, o.source, o.name, o.bulk_send_id]).sort()).toEqual(
      [
        [a, "inbound", "Member 0", job.body.id],
        [b, "api", null, null],
      ].sort(),
    );

    // Search among all opt-outs: a number typed with spaces, part of a name (any case), or one campaign's.
    const spaced = `${a.slice(0, 5)} ${a.slice(5, 9)}-${a.slice(9)}`;
    expect(((await api.get(`/opt-outs?q=${encodeURIComponent(spaced)}`)).body.opt_outs as OptOut[]).map((o) => o.phone)).toEqual([a]);
    expect(((await api.get("/opt-outs?q=member%200")).body.opt_outs as OptOut[]).map((o) => o.phone)).toEqual([a]);
    expect(((await api.get(`/opt-outs?bulk_send_id=${job.body.id}`)).body.opt_outs as OptOut[]).map((o) => o.phone)).toEqual([a]);
    expect((await api.get("/opt-outs?q=nobody")).body.opt_outs).toEqual([]);
    expect((await api.get(`/opt-outs?q=${"x".repeat(101)}`)).status).toBe(400);
  });

  it("a STOP from a number no campaign reached answers no campaign", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const stranger = "+5511912345678";
    expect((await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: stranger, text: "STOP" })).status).toBe(200);
    const o = await waitFor(async () => ((await api.get("/opt-outs")).body.opt_outs as OptOut[])[0], { what: "the opt-out" });
    expect(o).toMatchObject({ phone: stranger, source: "inbound", bulk_send_id: null });
  });
});

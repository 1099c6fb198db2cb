import { describe, expect, it } from "vitest";
import { newTenant, phones, runtime, runtimeStore, sandbox, workingSession } from "../helpers/api";

describe("custom groups over HTTP", () => {
  it("creates a group from 5 entries (two the same number, one invalid) holding 3 members, round-tripping Unicode", async () => {
    const { typed } = await newTenant("business");
    const res = await typed.POST("/custom-groups", {
      body: {
        name: "客户 VIP 🎉",
        description: "Ünïcödé ✓ 测试",
        members: [
          { phone: "+55 11 99999-0001", name: "Ana" },
          { phone: "005511999990001", name: "Ana again" },
          { phone: "+86 138 0013 8000", name: "王伟" },
          { phone: "(+1) 202-555-0123", name: "Bob 👋" },
          { phone: "12345" },
        ],
      },
    });
    expect(res.response.status).toBe(201);
    if (!res.data) throw new Error(JSON.stringify(res.error));
    expect(res.data).toMatchObject({ name: "客户 VIP 🎉", description: "Ünïcödé ✓ 测试", member_count: 3, added: 3, duplicates: 1 });
    expect(res.data.invalid).toEqual([{ phone: "12345", reason: expect.any(String) }]);
    const g = await typed.GET("/custom-groups/{id}", { params: { path: { id: res.data.id } } });
    expect(g.response.status).toBe(200);
    if (!g.data) throw new Error(JSON.stringify(g.error));
    expect(g.data.member_count).toBe(3);
    expect(g.data.members.map((m) => m.phone).sort()).toEqual(["+12025550123", "+5511999990001", "+8613800138000"]);
    expect(g.data.members.find((m) => m.phone === "+8613800138000")?.name).toBe("王伟");
    expect(g.data.name).toBe("客户 VIP 🎉");
  });

  it("adding 1,000 contacts of which 400 exist reports added 600, duplicates 400, and exports list exactly the members", async () => {
    const { api, typed } = await newTenant("business");
    const all = phones(1000);
    const created = await typed.POST("/custom-groups", { body: { name: "big", members: all.slice(0, 400).map((phone) => ({ phone })) } });
    if (!created.data) throw new Error(JSON.stringify(created.error));
    expect(created.data.member_count).toBe(400);
    const id = created.data.id;
    const add = await typed.POST("/custom-groups/{id}/members/add", {
      params: { path: { id } },
      body: { contacts: all.map((phone, i) => ({ phone, name: `n${i}` })) },
    });
    expect(add.response.status).toBe(200);
    expect(add.data).toEqual({ added: 600, duplicates: 400, invalid: [] });
    const g = await typed.GET("/custom-groups/{id}", { params: { path: { id }, query: { limit: 1 } } });
    expect(g.data?.member_count).toBe(1000);
    expect(g.data?.members).toHaveLength(1);
    expect(g.data?.next_cursor).toEqual(expect.any(String));

    const csv = await typed.GET("/custom-groups/{id}/export/csv", { params: { path: { id } }, parseAs: "text" });
    expect(csv.response.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (csv.data ?? "").trim().split("\r\n");
    expect(lines[0]).toBe("phone,name,added_at");
    expect(
      lines
        .slice(1)
        .map((l) => l.split(",")[0])
        .sort(),
    ).toEqual([...all].sort());
    const json = await api.get(`/custom-groups/${id}/export/json`);
    expect(json.body.map((m: { phone: string }) => m.phone).sort()).toEqual([...all].sort());
  });

  it("refuses more than 1,000 contacts per add with 400", async () => {
    const { api } = await newTenant("business");
    const g = await api.post("/custom-groups", { name: "g" });
    const res = await api.post(`/custom-groups/${g.body.id}/members/add`, { contacts: phones(1001).map((phone) => ({ phone })) });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/1,000/);
  });

  it("keeps member_count equal to the member items under 20 parallel overlapping adds and removes", async () => {
    const { api } = await newTenant("business");
    const pool = phones(60);
    const g = await api.post("/custom-groups", { name: "race" });
    const id = g.body.id;
    const requests = Array.from({ length: 20 }, (_, i) => {
      const slice = pool.slice((i * 7) % 40, ((i * 7) % 40) + 20);
      return i % 3 === 2
        ? api.post(`/custom-groups/${id}/members/remove`, { phones: slice })
        : api.post(`/custom-groups/${id}/members/add`, { contacts: slice.map((phone) => ({ phone })) });
    });
    const results = await Promise.all(requests);
    expect(results.every((r) => r.status === 200)).toBe(true);
    const after = await api.get(`/custom-groups/${id}`);
    const stored = await runtimeStore().groups.countMembers(id);
    expect(after.body.member_count).toBe(stored);
    const exported = await api.get(`/custom-groups/${id}/export/json`);
    expect(exported.body).toHaveLength(stored);
  });

  it("removes members, reporting the ones that were not there", async () => {
    const { typed } = await newTenant("business");
    const [a, b, c] = phones(3) as [string, string, string];
    const g = await typed.POST("/custom-groups", { body: { name: "g", members: [{ phone: a }, { phone: b }] } });
    const id = g.data?.id ?? "";
    const res = await typed.POST("/custom-groups/{id}/members/remove", { params: { path: { id } }, body: { phones: [a, c, "garbage"] } });
    expect(res.data).toEqual({ removed: 1, not_found: 2 });
    expect((await typed.GET("/custom-groups/{id}", { params: { path: { id } } })).data?.member_count).toBe(1);
  });

  it("renames with PATCH, deletes with members, and answers 404 for unknown and foreign ids", async () => {
    const { api } = await newTenant("business");
    const other = await newTenant("business");
    const g = await api.post("/custom-groups", { name: "old", members: phones(3).map((phone) => ({ phone })) });
    const id = g.body.id;
    const patched = await api.patch(`/custom-groups/${id}`, { name: "新名字", description: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: "新名字", description: null, member_count: 3 });
    for (const [method, path, body] of [
      ["GET", `/custom-groups/${id}`],
      ["PATCH", `/custom-groups/${id}`, { name: "hijack" }],
      ["POST", `/custom-groups/${id}/members/add`, { contacts: [{ phone: "+5511999990001" }] }],
      ["POST", `/custom-groups/${id}/members/remove`, { phones: ["+5511999990001"] }],
      ["GET", `/custom-groups/${id}/export/csv`],
      ["GET", `/custom-groups/${id}/export/json`],
      ["DELETE", `/custom-groups/${id}`],
    ] as const) {
      const res = await other.api.raw(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe("custom_group.not_found");
    }
    expect((await other.api.get("/custom-groups")).body.groups).toEqual([]);
    expect((await api.get(`/custom-groups/${id}`)).body.name).toBe("新名字");
    expect((await api.get("/custom-groups/grp_00000000000000000000000000")).status).toBe(404);
    expect((await api.get("/custom-groups/not-an-id")).status).toBe(404);

    expect((await api.del(`/custom-groups/${id}`)).status).toBe(200);
    expect((await api.get(`/custom-groups/${id}`)).status).toBe(404);
    const store = runtimeStore();
    await expect.poll(() => store.groups.countMembers(id), { timeout: 10_000 }).toBe(0);
  });

  it("answers 422 for a missing name and 400 for wrong types", async () => {
    const api = runtime();
    const missing = await api.post("/custom-groups", { description: "no name" });
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toContain("name");
    const wrong = await api.post("/custom-groups", { name: 42 });
    expect(wrong.status).toBe(400);
    const wrongMembers = await api.post("/custom-groups", { name: "x", members: "not a list" });
    expect(wrongMembers.status).toBe(400);
  });

  it("gives a free tenant 403 plan.group_limit on its third group", async () => {
    const { api } = await newTenant("free");
    expect((await api.post("/custom-groups", { name: "1" })).status).toBe(201);
    expect((await api.post("/custom-groups", { name: "2" })).status).toBe(201);
    const third = await api.post("/custom-groups", { name: "3" });
    expect(third.status).toBe(403);
    expect(third.body.error).toMatchObject({ code: "plan.group_limit", details: { limit: 2, used: 2, remaining: 0 } });
    expect((await api.get("/custom-groups")).body.groups).toHaveLength(2);
  });

  it("neutralizes spreadsheet formulas in CSV names and quotes per RFC 4180", async () => {
    const { api } = await newTenant("business");
    const [a, b, c, d] = phones(4);
    const g = await api.post("/custom-groups", {
      name: "csv",
      members: [
        { phone: a, name: '=HYPERLINK("http://evil")' },
        { phone: b, name: "+1+1" },
        { phone: c, name: 'Smith, "Jr"' },
        { phone: d, name: "@SUM(A1)" },
      ],
    });
    const csv = (await api.get(`/custom-groups/${g.body.id}/export/csv`)).text;
    expect(csv).toContain(`${a},"'=HYPERLINK(""http://evil"")",`);
    expect(csv).toContain(`${b},'+1+1,`);
    expect(csv).toContain(`${c},"Smith, ""Jr""",`);
    expect(csv).toContain(`${d},'@SUM(A1),`);
  });

  it("lists each contact once across groups and sessions", async () => {
    const { api } = await newTenant("business");
    const [a, b, c] = phones(3);
    const g1 = await api.post("/custom-groups", { name: "one", members: [{ phone: a, name: "A" }, { phone: b }] });
    const g2 = await api.post("/custom-groups", { name: "two", members: [{ phone: b }, { phone: c }] });
    const res = await api.get("/custom-groups/contacts");
    expect(res.status).toBe(200);
    const byPhone = Object.fromEntries(res.body.contacts.map((x: { phone: string }) => [x.phone, x]));
    expect(Object.keys(byPhone).sort()).toEqual([a, b, c].sort());
    expect(byPhone[b as string].group_ids.sort()).toEqual([g1.body.id, g2.body.id].sort());
    expect(byPhone[a as string].name).toBe("A");
    await api.del(`/custom-groups/${g1.body.id}`);
    const after = (await api.get("/custom-groups/contacts")).body.contacts.map((x: { phone: string }) => x.phone).sort();
    expect(after).toEqual([b, c].sort());
  });

  it("imports WhatsApp groups defined in the sandbox, deduplicated across sessions, skipping LID-only participants", async () => {
    const { api } = await newTenant("business");
    const s1 = await workingSession(api, "one");
    const s2 = await workingSession(api, "two");
    const [a, b, c] = phones(3);
    const sb = sandbox();
    expect(
      (
        await sb.post("/sandbox/api/wa-groups", {
          session_id: s1.id,
          wa_group_id: "111@g.us",
          name: "Família",
          participants: [{ phone: a, name: "A" }, { phone: b }, { lid: "123456@lid" }],
        })
      ).status,
    ).toBe(201);
    await sb.post("/sandbox/api/wa-groups", {
      session_id: s2.id,
      wa_group_id: "222@g.us",
      name: "Work",
      participants: [{ phone: b }, { phone: c, lid: "999@lid" }],
    });
    const list = await api.get("/custom-groups/wa-groups");
    expect(list.body.wa_groups).toEqual(
      expect.arrayContaining([
        { wa_group_id: "111@g.us", session_id: s1.id, name: "Família", participant_count: 3 },
        { wa_group_id: "222@g.us", session_id: s2.id, name: "Work", participant_count: 2 },
      ]),
    );
    expect((await api.get(`/custom-groups/wa-groups?session_id=${s2.id}`)).body.wa_groups).toHaveLength(1);
    const imported = await api.post("/custom-groups/from-wa-groups", {
      name: "from wa",
      wa_groups: [
        { wa_group_id: "111@g.us", session_id: s1.id },
        { wa_group_id: "222@g.us", session_id: s2.id },
      ],
    });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ member_count: 3, imported: 3, skipped_without_phone: 1 });
    const other = await newTenant("business");
    expect((await other.api.get("/custom-groups/wa-groups")).body.wa_groups).toEqual([]);
    const foreign = await other.api.post("/custom-groups/from-wa-groups", { name: "steal", wa_groups: [{ wa_group_id: "111@g.us", session_id: s1.id }] });
    expect(foreign.status).toBe(404);
  });

  it("pages groups by cursor and by offset", async () => {
    const { api, typed } = await newTenant("business");
    for (const n of ["a", "b", "c"]) await typed.POST("/custom-groups", { body: { name: n } });
    const p1 = await typed.GET("/custom-groups", { params: { query: { limit: 2 } } });
    expect(p1.data?.groups).toHaveLength(2);
    const p2 = await typed.GET("/custom-groups", { params: { query: { limit: 2, cursor: p1.data?.next_cursor ?? undefined } } });
    expect(p2.data?.groups).toHaveLength(1);
    expect(p2.data?.next_cursor).toBeNull();
    const off = await typed.GET("/custom-groups", { params: { query: { limit: 2, offset: 2 } } });
    expect(off.data?.groups.map((g) => g.id)).toEqual(p2.data?.groups.map((g) => g.id));
    expect((await api.get("/custom-groups?limit=0")).status).toBe(400);
    expect((await api.get("/custom-groups?cursor=%%%")).status).toBe(400);
  });
});

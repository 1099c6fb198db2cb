import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { client, groupWith, newTenant, waitFor, waitJob, workingSession } from "../helpers/api";
import { type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

const fast = { min_delay_seconds: 0, max_delay_seconds: 0 };

describe("outbound-fetch guard (issue 13)", () => {
  it("refuses forbidden media URLs at creation with 422 request.forbidden_url naming the rule (bulk sends and scheduled messages)", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const g = await groupWith(api, 1);
    const base = { session_id: s.id, custom_group_id: g.id, message_content: "x" };
    const cases: [string, RegExp][] = [
      ["http://169.254.170.2/v2/metadata", /169\.254\.170\.2 is in 169\.254\.0\.0\/16: link-local/],
      ["http://169.254.169.254/latest/meta-data/", /169\.254\.0\.0\/16/],
      ["http://localhost:8080/a.png", /localhost is this machine/],
      ["http://127.0.0.1:8080/a.png", /127\.0\.0\.0\/8: loopback/],
      ["http://[::ffff:10.0.0.1]/a.png", /10\.0\.0\.0\/8/],
      ["file:///etc/passwd", /only http and https/],
    ];
    for (const [media_url, rule] of cases) {
      const bulk = await api.post("/bulk-send", { ...base, media_url });
      expect(bulk.status, media_url).toBe(422);
      expect(bulk.body.error).toMatchObject({ code: "request.forbidden_url", message: expect.stringMatching(rule) });
      const sch = await api.post("/scheduled-messages", { name: "m", schedule_type: "daily", time_of_day: "09:00", timezone: "UTC", ...base, media_url });
      expect(sch.status, media_url).toBe(422);
      expect(sch.body.error).toMatchObject({ code: "request.forbidden_url", message: expect.stringMatching(rule) });
    }
    expect((await api.get("/bulk-send")).body.jobs).toEqual([]);
  });

  describe("with OUTREACH_ALLOW_PRIVATE_URLS=1 (loopback only)", () => {
    let rt: RuntimeProcess | undefined;
    let server: http.Server | undefined;
    afterAll(async () => {
      await rt?.stop();
      if (rt) removeDir(rt.dataDir);
      await new Promise((r) => (server ? server.close(r) : r(undefined)));
    });

    it("sends loopback media, and fails a redirect to the credential endpoint permanently with the reason on the recipient", async () => {
      const requests: string[] = [];
      server = http.createServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        if (req.url === "/photo.png") return void res.writeHead(200, { "content-type": "image/png" }).end(Buffer.alloc(1024, 1));
        res.writeHead(302, { location: "http://169.254.170.2/v2/credentials" }).end();
      });
      await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
      const media = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      rt = await startRuntimeProcess({ env: { OUTREACH_ALLOW_PRIVATE_URLS: "1", OUTREACH_RATE_LIMIT: "0" } });
      const api = client(rt.url, rt.key);
      const s = await workingSession(api);
      const g = await groupWith(api, 3);

      // Link-local stays refused at creation even with the switch on.
      expect((await api.post("/bulk-send", { session_id: s.id, custom_group_id: g.id, media_url: "http://169.254.169.254/" })).status).toBe(422);

      const good = await api.post("/bulk-send", { session_id: s.id, custom_group_id: g.id, media_url: `${media}/photo.png`, message_content: "hi", ...fast });
      expect(good.status).toBe(201);
      expect(await waitJob(api, good.body.id, ["completed"])).toMatchObject({ sent_count: 3, failed_count: 0 });
      // One download for the whole job.
      expect(requests.filter((r) => r === "GET /photo.png")).toHaveLength(1);

      const bad = await api.post("/bulk-send", {
        session_id: s.id,
        custom_group_id: g.id,
        media_url: `${media}/go`,
        message_content: "hi",
        ...fast,
        max_consecutive_failures: 100,
      });
      expect(bad.status).toBe(201);
      await waitJob(api, bad.body.id, ["completed", "failed"]);
      const recipients = await waitFor(async () => {
        const items = (await api.get(`/bulk-send/${bad.body.id}/recipients`)).body.recipients as { status: string; error: string | null }[];
        return items?.length === 3 && items.every((i) => i.status === "failed") ? items : undefined;
      });
      for (const r of recipients) {
        expect(r.error).toMatch(/^media not sent: redirect 1 was refused: its host 169\.254\.170\.2 is in 169\.254\.0\.0\/16: link-local/);
      }
    });
  });
});

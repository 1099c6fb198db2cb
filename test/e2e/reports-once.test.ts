import { describe, expect, it } from "vitest";
import { groupWith, newTenant, waitJob, workingSession } from "../helpers/api";

describe("a report run once, without a schedule (issue 33)", () => {
  it("answers bulk_send_progress for the last day with the campaign's name in rows, CSV and chart, stores nothing, and only for its tenant", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const g = await groupWith(api, 8);
    const job = await api.post("/bulk-send", {
      name: "Promo São Paulo",
      session_id: s.id,
      custom_group_id: g.id,
      message_content: "oi",
      min_delay_seconds: 0,
      max_delay_seconds: 0,
    });
    await waitJob(api, job.body.id, ["completed"]);

    const run = await api.post("/reports/run", { template_id: "bulk_send_progress", period: "last_day", timezone: "America/Sao_Paulo" });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ template_id: "bulk_send_progress", data: { totals: { jobs: 1, sent: 8 } } });
    expect(run.body.data.jobs[0]).toMatchObject({ bulk_send_id: job.body.id, name: "Promo São Paulo" });
    expect(run.body.csv.split("\r\n")[0]).toMatch(/^bulk_send_id,name,status,/);
    expect(run.body.csv).toContain(`${job.body.id},Promo São Paulo,completed`);
    expect(run.body.html).toContain(">Promo São…</text>");
    // Times read as dates in the asked zone, not raw ISO strings.
    expect(run.body.html).not.toMatch(/<dd>\d{4}-\d\d-\d\dT/);
    expect(run.body.html).toMatch(/<dt>created at<\/dt><dd>(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \w{3} \d{1,2} \d{4}, \d\d:\d\d<\/dd>/);
    expect(run.body.html).toContain("times in America/Sao_Paulo");
    expect(Date.parse(run.body.period_end) - Date.parse(run.body.period_start)).toBe(86_400_000);
    expect((await api.get("/reports")).body.reports).toEqual([]);

    const other = await newTenant("business");
    const theirs = await other.api.post("/reports/run", { template_id: "bulk_send_progress", period: "last_day" });
    expect(theirs.status).toBe(200);
    expect(theirs.body.data.totals.jobs).toBe(0);
    expect(theirs.body.csv).not.toContain("Promo");
  });

  it("refuses a period that needs a previous run, an unknown template and an unknown zone with a 4xx that says what to change", async () => {
    const { api } = await newTenant("business");
    const since = await api.post("/reports/run", { template_id: "usage_plan", period: "since_last_run" });
    expect(since.status).toBe(400);
    expect(since.text).toContain("period");
    expect((await api.post("/reports/run", { template_id: "nope" })).status).toBe(400);
    const zone = await api.post("/reports/run", { template_id: "usage_plan", timezone: "Sao Paulo" });
    expect(zone.status).toBe(422);
    expect(zone.body.error).toMatchObject({ code: "report.invalid_timezone" });
    expect(zone.body.error.message).toContain("America/Sao_Paulo");
  });
});

import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { groupWith, newTenant, outbox, phones, workingSession } from "../helpers/api";
import { runChild } from "../helpers/child";

const ROOT = resolve(import.meta.dirname, "../..");

/** Runs the CLI as a child process (stdin and stdout are not a terminal) against the shared runtime. */
const outreach = (key: string, args: string[], opts: { npx?: boolean } = {}) =>
  runChild(opts.npx ? "npx" : process.execPath, [...(opts.npx ? ["--no-install", "outreach"] : [join(ROOT, "packages/cli/bin/outreach.mjs")]), ...args], {
    cwd: ROOT,
    env: { ...process.env, OUTREACH_API_URL: inject("runtimeUrl"), OUTREACH_API_KEY: key },
  });

// Each test has its own tenant and session: they run side by side.
describe.concurrent("outreach CLI (child process, against the local runtime)", () => {
  it("imports a CSV (BOM, ; separators, header, quoted names, bad rows by line, 1,000 per request), lists and exports the group", async () => {
    const { key } = await newTenant("business");
    const numbers = phones(1001);
    const rows = numbers.map((p, i) => `${p};${i === 5 ? '"Lee; Ann"' : `Name ${i}`}`);
    rows.splice(10, 0, ";no phone here", "12345;too short");
    const file = join(mkdtempSync(join(tmpdir(), "outreach-cli-")), "contacts.csv");
    writeFileSync(file, `\uFEFFphone;name\r\n${rows.join("\r\n")}\r\n`);

    const imported = await outreach(key, ["groups", "import-csv", file, "--name", "from csv"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^grp_\w+: added 1001, duplicates 0, invalid 2 \(1003 rows read\)\n$/);
    // The header is line 1, so the 11th data row is line 12.
    expect(imported.stderr).toBe("line 12: ;no phone here: no phone number\nline 13: 12345: invalid_number\n");
    const id = imported.stdout.split(":")[0] as string;

    const ls = await outreach(key, ["groups", "ls"]);
    expect(ls.stdout).toMatch(new RegExp(`^ID\\s+NAME\\s+MEMBERS\\s+UPDATED\\n${id}\\s+from csv\\s+1001\\s`));
    const json = JSON.parse((await outreach(key, ["groups", "ls", "--json"])).stdout);
    expect(json).toEqual([expect.objectContaining({ id, name: "from csv", member_count: 1001 })]);

    const exported = await outreach(key, ["groups", "export", id]);
    const lines = exported.stdout.trim().split("\r\n");
    expect(lines[0]).toBe("phone,name,added_at");
    expect(
      lines
        .slice(1)
        .map((l) => l.split(",")[0])
        .sort(),
    ).toEqual([...numbers].sort());
    expect(exported.stdout).toContain(`${numbers[5]},Lee; Ann,`);
  });

  it("previews a send, refuses to send without a terminal or --yes, sends with --yes, and prints progress as plain lines", async () => {
    const t = await newTenant("business");
    const s = await workingSession(t.api);
    const g = await groupWith(t.api, 3);
    const args = ["send", "--group", g.id, "--session", s.id, "--text", "Hi {{name|there}}", "--min-delay", "1", "--max-delay", "1"];

    const preview = await outreach(t.key, [...args, "--preview"]);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain("Recipients: 3 of 3 members (0 opted out)");
    expect(preview.stdout).toContain("Pacing: 1–1 s between messages");
    expect(preview.stdout).toContain(`  → ${g.members[0]?.phone} (Member 0): Hi Member 0\n`);
    const refused = await outreach(t.key, args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not sending without a confirmation/);
    expect(await outbox(s.id)).toEqual([]);
    expect((await t.api.get("/bulk-send")).body.jobs).toEqual([]);

    const sent = await outreach(t.key, [...args, "--yes"]);
    expect(sent.code, sent.stderr).toBe(0);
    const jobId = /started (bulk_\w+): 3 recipients/.exec(sent.stdout)?.[1] as string;
    expect(jobId).toBeDefined();

    const progress = await outreach(t.key, ["progress", jobId]);
    expect(progress.code, progress.stderr).toBe(0);
    // No carriage returns or escape sequences: those are for terminals.
    expect(progress.stdout.includes("\r") || progress.stdout.includes("\u001b")).toBe(false);
    const lines = progress.stdout.trim().split("\n");
    for (const line of lines)
      expect(line).toMatch(/^sent [0-3]\/3 · delivered \d · read \d · failed 0 · skipped 0 · pending [0-3] · (pending|running|completed)$/);
    expect(lines.at(-1)).toMatch(/^sent 3\/3 · .* · pending 0 · completed$/);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect((await outbox(s.id)).map((m) => m.to).sort()).toEqual([...g.phones].sort());

    // On a terminal (util-linux `script` gives it one) the same command draws one bar, redrawn in place.
    const cmd = `${process.execPath} ${join(ROOT, "packages/cli/bin/outreach.mjs")} progress ${jobId}`;
    const tty = await new Promise<string>((done) => {
      const child = spawn("script", ["-qec", cmd, "/dev/null"], {
        env: { ...process.env, OUTREACH_API_URL: inject("runtimeUrl"), OUTREACH_API_KEY: t.key },
        stdio: ["pipe", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.on("close", () => done(out));
    });
    expect(tty).toContain("\r[██████████] 100%  sent 3/3 · ");
    // "completed", then the terminal's erase-to-end-of-line (ESC [ K), then the line ends.
    expect(tty).toMatch(new RegExp(`· completed${String.fromCharCode(27)}\\[K\r?\n`));
  });

  it("lists scheduled messages, runs a report, and is on the workspace's path as npx outreach", async () => {
    const t = await newTenant("business");
    const s = await workingSession(t.api);
    const g = await groupWith(t.api, 1);
    const sched = await t.api.post("/scheduled-messages", {
      name: "weekly hello",
      session_id: s.id,
      custom_group_id: g.id,
      message_content: "hello",
      schedule_type: "weekly",
      time_of_day: "09:00",
      days_of_week: ["mon"],
    });
    const schedules = await outreach(t.key, ["schedules", "ls"]);
    expect(schedules.stdout).toMatch(new RegExp(`\\n${sched.body.id}\\s+weekly hello\\s+weekly\\s+active\\s+${sched.body.next_run_at}\\n`));

    const report = await t.api.post("/reports", { name: "usage", template_id: "usage_plan", schedule_type: "daily", time_of_day: "09:00" });
    const ran = await outreach(t.key, ["reports", "run", report.body.id], { npx: true });
    expect(ran.code, ran.stderr).toBe(0);
    const latest = (await t.api.get(`/reports/${report.body.id}/history`)).body.executions[0];
    expect(ran.stdout).toBe(`${latest.text}\n`);
    expect(ran.stdout).toMatch(/business/);

    const unknown = await outreach(t.key, ["reports", "run", "rpt_00000000000000000000000000"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^outreach: Report rpt_0+ not found\. \(404 report\.not_found\)/);
  });

  it("keys create (shown once) → ls → revoke, and usage history/daily", async () => {
    const { key } = await newTenant("pro");
    const created = await outreach(key, ["keys", "create", "ci bot", "--scopes", "usage:read,leads:read", "--expires-in-days", "30"]);
    expect(created.code, created.stderr).toBe(0);
    const [secret, note] = created.stdout.trim().split("\n") as [string, string];
    expect(secret).toMatch(/^ok_/);
    const id = /created (key_\w+)/.exec(note)?.[1] as string;
    const ls = await outreach(key, ["keys", "ls"]);
    expect(ls.stdout).toMatch(new RegExp(`${id}\\s+ci bot\\s+${secret.slice(0, 7)}\\s+usage:read,leads:read`));
    expect(ls.stdout).not.toContain(secret);
    const history = await outreach(secret, ["usage", "history", "--months", "2"]);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout.trim().split("\n")).toHaveLength(3);
    expect((await outreach(secret, ["usage", "daily", "--days", "3", "--json"])).stdout).toContain('"leads_detected"');
    expect((await outreach(key, ["keys", "revoke", id])).stdout).toBe(`revoked ${id}\n`);
    const refused = await outreach(secret, ["usage", "daily"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/401|revoked/);
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { newTenant, outbox, phones, waitJob, workingSession } from "../helpers/api";
import { runChild } from "../helpers/child";

const ROOT = resolve(import.meta.dirname, "../..");

const outreach = (key: string, args: string[]) =>
  runChild(process.execPath, [join(ROOT, "packages/cli/bin/outreach.mjs"), ...args], {
    cwd: ROOT,
    env: { ...process.env, OUTREACH_API_URL: inject("runtimeUrl"), OUTREACH_API_KEY: key },
  });

describe("outreach CLI with custom fields and a campaign name (issue 33)", () => {
  it("imports a CSV's extra column as a field, previews and sends {{first_name}} and {{fields.city}} under a name", async () => {
    const t = await newTenant("business");
    const s = await workingSession(t.api);
    const [ana, bob] = phones(2) as [string, string];
    const file = join(mkdtempSync(join(tmpdir(), "outreach-cli-")), "contacts.csv");
    writeFileSync(file, `phone;name;Cidade Natal\r\n${ana};Ana Souza;Campinas\r\n${bob};Bob;\r\n`);
    const imported = await outreach(t.key, ["groups", "import-csv", file, "--name", "with cities"]);
    expect(imported.code, imported.stderr).toBe(0);
    const id = imported.stdout.split(":")[0] as string;
    expect((await t.api.get(`/custom-groups/${id}/export/csv`)).text.split("\r\n")[0]).toBe("phone,name,added_at,cidade_natal");

    const args = [
      "send",
      "--group",
      id,
      "--session",
      s.id,
      "--name",
      "Cidades",
      "--text",
      "Oi {{first_name}} de {{cidade_natal|SP}}",
      "--min-delay",
      "0",
      "--max-delay",
      "0",
    ];
    const preview = await outreach(t.key, [...args, "--preview"]);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain(`  → ${ana} (Ana Souza): Oi Ana de Campinas\n`);
    expect(preview.stdout).toContain(`  → ${bob} (Bob): Oi Bob de SP\n`);
    const sent = await outreach(t.key, [...args, "--yes"]);
    expect(sent.code, sent.stderr).toBe(0);
    const jobId = /started (bulk_\w+)/.exec(sent.stdout)?.[1] as string;
    const job = await waitJob(t.api, jobId, ["completed"]);
    expect(job.name).toBe("Cidades");
    expect(Object.fromEntries((await outbox(s.id)).map((m) => [m.to, m.text]))).toEqual({ [ana]: "Oi Ana de Campinas", [bob]: "Oi Bob de SP" });
  });
});

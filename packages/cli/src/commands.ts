import { readFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import type { OutreachClient, Schema } from "@outreach/client";
import { parseContacts } from "./csv";
import { ApiError, follow } from "./progress";

export interface Io {
  client: OutreachClient;
  values: Record<string, string | boolean | undefined>;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  fail: (message: string, code?: number) => never;
}

/** The API's answer, or an `ApiError` carrying its error body. */
const ok = async <T>(call: Promise<{ data?: T; error?: unknown; response: Response }>) => {
  const r = await call;
  if (r.data === undefined || !r.response.ok) throw new ApiError(r.response.status, r.error);
  return r.data;
};

/** Columns padded to their widest cell. */
const table = (rows: string[][]) => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return `${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ")).join("\n")}\n`;
};

const CHUNK = 1000;

export const commands = ({ client, values, stdout, stderr, stdin, fail }: Io): Record<string, (args: string[]) => Promise<number | undefined>> => {
  const print = (s: string) => stdout.write(s.endsWith("\n") ? s : `${s}\n`);
  const delay = (flag: string) => {
    const v = values[flag];
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 && n <= 3600 ? n : fail(`--${flag} must be whole seconds from 0 to 3600`);
  };

  const allGroups = async () => {
    const groups: Schema<"CustomGroup">[] = [];
    let cursor: string | undefined;
    do {
      const page = await ok(client.GET("/custom-groups", { params: { query: { limit: 200, cursor } } }));
      groups.push(...page.groups);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return groups;
  };

  /** What the session's policy adds to the job's own pacing, in words ("" when nothing). */
  const sessionPolicy = (pacing: Schema<"BulkSendPreview">["pacing"]) => {
    const policy = pacing.session_policy;
    const parts = [
      pacing.effective_min_gap_seconds > pacing.min_delay_seconds ? `at least ${pacing.effective_min_gap_seconds} s apart` : "",
      policy.burst ? `at most ${policy.burst.max} per ${policy.burst.window_seconds} s` : "",
      policy.daily_cap ? `at most ${policy.daily_cap} a day on the session` : "",
      policy.warmup ? "warm-up for new numbers" : "",
    ].filter(Boolean);
    return parts.length ? `; session policy: ${parts.join(", ")}` : "";
  };

  const showPreview = (p: Schema<"BulkSendPreview">) => {
    const lines = [
      `Recipients: ${p.recipients} of ${p.members} members (${p.opted_out} opted out${p.counted_exactly ? "" : "; counted exactly when the send starts"})`,
      `Quota: uses ${p.quota.would_use}; ${p.quota.remaining === null ? "no monthly limit" : `${p.quota.remaining} of ${p.quota.limit} remain this month, ${p.quota.remaining_after} after`}`,
      `Pacing: ${p.pacing.min_delay_seconds}–${p.pacing.max_delay_seconds} s between messages${p.pacing.daily_limit ? `, at most ${p.pacing.daily_limit} a day` : ""}${p.pacing.send_window ? `, ${p.pacing.send_window.start}–${p.pacing.send_window.end} ${p.pacing.send_window.timezone}` : ""}${sessionPolicy(p.pacing)}`,
      `Starts ${p.starts_at}; last message about ${p.estimated_finish_at ?? "–"}`,
      "First messages:",
      ...p.sample.map((m) => `  → ${m.phone}${m.name ? ` (${m.name})` : ""}: ${m.text ?? ""}${m.media_url ? ` [${m.media_url}]` : ""}`),
      ...p.blocked_by.map((b) => `Cannot send: ${b.message} (${b.code})`),
    ];
    print(lines.join("\n"));
  };

  return {
    "groups ls": async () => {
      const groups = await allGroups();
      if (values.json) print(JSON.stringify(groups, null, 2));
      else print(table([["ID", "NAME", "MEMBERS", "UPDATED"], ...groups.map((g) => [g.id, g.name, String(g.member_count), g.updated_at])]));
      return 0;
    },

    "groups create": async ([name]) => {
      if (!name) fail("groups create needs a NAME");
      const g = await ok(client.POST("/custom-groups", { body: { name: name as string, description: (values.description as string | undefined) ?? null } }));
      print(values.json ? JSON.stringify(g, null, 2) : `created ${g.id} ${g.name}`);
      return 0;
    },

    "groups import-csv": async ([file]) => {
      if (!file) fail("groups import-csv needs a FILE");
      if (!values.group && !values.name) fail("groups import-csv needs --group ID (an existing group) or --name NAME (a new one)");
      let text = "";
      try {
        text = readFileSync(file as string, "utf8");
      } catch (e) {
        fail(`cannot read ${file}: ${(e as Error).message}`);
      }
      const parsed = parseContacts(text);
      const groupId = (values.group as string | undefined) ?? (await ok(client.POST("/custom-groups", { body: { name: values.name as string } }))).id;
      const invalid = parsed.invalid.map((i) => ({ line: i.line, text: `${i.value}: ${i.reason}` }));
      let added = 0;
      let duplicates = 0;
      for (let i = 0; i < parsed.contacts.length; i += CHUNK) {
        const chunk = parsed.contacts.slice(i, i + CHUNK);
        const r = await ok(
          client.POST("/custom-groups/{id}/members/add", {
            params: { path: { id: groupId } },
            body: { contacts: chunk.map(({ phone, name, fields }) => ({ phone, name, ...(fields ? { fields } : {}) })) },
          }),
        );
        added += r.added;
        duplicates += r.duplicates;
        // The server names each refused number as it was sent: map it back to its line.
        const byPhone = new Map<string, number[]>();
        for (const c of chunk) byPhone.set(c.phone, [...(byPhone.get(c.phone) ?? []), c.line]);
        for (const bad of r.invalid) {
          const lines = byPhone.get(bad.phone) ?? [0];
          const line = lines.shift() as number;
          invalid.push({ line, text: `${bad.phone}: ${bad.reason}` });
        }
      }
      invalid.sort((a, b) => a.line - b.line);
      for (const i of invalid) stderr.write(`line ${i.line}: ${i.text}\n`);
      print(`${groupId}: added ${added}, duplicates ${duplicates}, invalid ${invalid.length} (${parsed.contacts.length + parsed.invalid.length} rows read)`);
      return 0;
    },

    "groups export": async ([id]) => {
      if (!id) fail("groups export needs a group ID");
      const format = (values.format as string | undefined) ?? "csv";
      if (format === "json")
        print(JSON.stringify(await ok(client.GET("/custom-groups/{id}/export/json", { params: { path: { id: id as string } } })), null, 2));
      else if (format === "csv")
        stdout.write(await ok(client.GET("/custom-groups/{id}/export/csv", { params: { path: { id: id as string } }, parseAs: "text" })));
      else fail("--format is csv or json");
      return 0;
    },

    send: async () => {
      const group = values.group as string | undefined;
      const session = values.session as string | undefined;
      const text = values.text as string | undefined;
      if (!group || !session || !text) fail("send needs --group ID, --session ID and --text TEXT");
      const body = {
        custom_group_id: group as string,
        session_id: session as string,
        message_content: text as string,
        ...(values.name ? { name: values.name as string } : {}),
        min_delay_seconds: delay("min-delay"),
        max_delay_seconds: delay("max-delay"),
      };
      const preview = await ok(client.POST("/bulk-send/preview", { body }));
      if (values.json && values.preview) print(JSON.stringify(preview, null, 2));
      else if (!values.json) showPreview(preview);
      if (values.preview) return 0;
      if (!preview.can_send) return 1;
      if (!values.yes) {
        if (!stdin.isTTY || !stdout.isTTY) fail("not sending without a confirmation: run it in a terminal to be asked, or pass --yes after checking --preview");
        const rl = createInterface({ input: stdin, output: stdout });
        const answer = await rl.question(`Send ${preview.recipients} messages now? [y/N] `);
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) {
          print("Not sent.");
          return 1;
        }
      }
      const job = await ok(client.POST("/bulk-send", { body }));
      print(values.json ? JSON.stringify(job, null, 2) : `started ${job.id}: ${job.total_recipients} recipients. Follow it: outreach progress ${job.id}`);
      return 0;
    },

    progress: async ([id]) => {
      if (!id) fail("progress needs a bulk send id");
      const final = await follow(client, id as string, stdout);
      return final.status === "completed" ? 0 : 1;
    },

    "schedules ls": async () => {
      const { messages } = await ok(client.GET("/scheduled-messages", { params: { query: { limit: 200 } } }));
      if (values.json) print(JSON.stringify(messages, null, 2));
      else
        print(table([["ID", "NAME", "TYPE", "STATUS", "NEXT RUN"], ...messages.map((m) => [m.id, m.name, m.schedule_type, m.status, m.next_run_at ?? "–"])]));
      return 0;
    },

    "keys ls": async () => {
      const { api_keys } = await ok(client.GET("/api-keys"));
      if (values.json) print(JSON.stringify(api_keys, null, 2));
      else
        print(
          table([
            ["ID", "NAME", "PREFIX", "SCOPES", "EXPIRES", "LAST USED"],
            ...api_keys.map((k) => [k.id, k.name, k.prefix, k.scopes.join(","), k.expires_at ?? "never", k.last_used_at ?? "–"]),
          ]),
        );
      return 0;
    },

    "keys create": async ([name]) => {
      if (!name) fail("keys create needs a NAME");
      const scopes = String(values.scopes ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      if (scopes.length === 0) fail("keys create needs --scopes a:read,b:manage");
      const days = values["expires-in-days"] === undefined ? undefined : Number(values["expires-in-days"]);
      if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 3650)) fail("--expires-in-days must be whole days from 1 to 3650");
      const k = await ok(
        client.POST("/api-keys", { body: { name: name as string, scopes: scopes as Schema<"ApiKeyCreate">["scopes"], expires_in_days: days } }),
      );
      print(values.json ? JSON.stringify(k, null, 2) : `${k.key}\n(created ${k.id}; this is the only time the key is shown)`);
      return 0;
    },

    "keys revoke": async ([id]) => {
      if (!id) fail("keys revoke needs a key ID");
      await ok(client.DELETE("/api-keys/{id}", { params: { path: { id: id as string } } }));
      print(`revoked ${id}`);
      return 0;
    },

    "usage history": async () => {
      const months = values.months === undefined ? 6 : Number(values.months);
      const { history } = await ok(client.GET("/usage/history", { params: { query: { months } } }));
      if (values.json) print(JSON.stringify(history, null, 2));
      else
        print(
          table([
            ["MONTH", "SENT", "RECEIVED", "API CALLS", "LEADS", "LIMIT"],
            ...history.map((m) => [
              m.period,
              String(m.messages_sent),
              String(m.messages_received),
              String(m.api_calls),
              String(m.leads_detected),
              String(m.limit_messages ?? "–"),
            ]),
          ]),
        );
      return 0;
    },

    "usage daily": async () => {
      const days = values.days === undefined ? 30 : Number(values.days);
      const res = await ok(client.GET("/usage/daily", { params: { query: { days } } }));
      if (values.json) print(JSON.stringify(res.days, null, 2));
      else
        print(
          table([
            ["DAY", "SENT", "RECEIVED", "API CALLS", "LEADS"],
            ...res.days.map((d) => [d.date, String(d.messages_sent), String(d.messages_received), String(d.api_calls), String(d.leads_detected)]),
          ]),
        );
      return 0;
    },

    "reports run": async ([id]) => {
      if (!id) fail("reports run needs a report ID");
      const exe = await ok(client.POST("/reports/{id}/run", { params: { path: { id: id as string } } }));
      print(values.json ? JSON.stringify(exe, null, 2) : exe.text);
      return 0;
    },
  };
};

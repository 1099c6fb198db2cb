import { useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { Action, ErrorText, Field, Form, Loading, num, Page, TableWrap, useLoad } from "../ui";

type Monitored = Schema<"MonitoredGroup">;

const MODES: [string, string][] = [
  ["first_message", "first message of each member"],
  ["keywords", "messages with a keyword"],
  ["mentions", "messages that mention this number"],
  ["all", "store every message (keywords still make leads)"],
];

/** Monitored WhatsApp groups: which make leads and how, added from the session's groups. */
export const MonitoredGroups = () => {
  const list = useLoad(async () => (await ok(api().GET("/groups"))).groups);
  const sessions = useLoad(async () => (await ok(api().GET("/sessions"))).filter((s) => s.status === "working"));
  const [sessionId, setSessionId] = useState("");
  const session = sessionId || sessions.data?.[0]?.id || "";
  const available = useLoad(
    async () =>
      session ? (await ok(api().GET("/groups/available/{session_id}", { params: { path: { session_id: session }, query: { limit: 200 } } }))).groups : [],
    [session],
  );
  const [wa, setWa] = useState("");
  const [mode, setMode] = useState("first_message");
  const [keywords, setKeywords] = useState("");
  const [template, setTemplate] = useState("");
  const open = available.data?.filter((g) => !g.monitored) ?? [];
  return (
    <Page title="Monitored groups">
      <p class="muted">Messages in these WhatsApp groups are stored; the mode says which make the writer a lead (once per member and group).</p>
      <Form
        label="Monitor a WhatsApp group"
        onSubmit={async () => {
          const monitor_keywords = keywords
            .split(",")
            .map((k) => k.trim())
            .filter(Boolean);
          await ok(
            api().POST("/groups", {
              body: {
                session_id: session,
                wa_group_id: wa || (open[0]?.wa_group_id ?? ""),
                monitor_mode: mode,
                ...(monitor_keywords.length ? { monitor_keywords } : {}),
                ...(template.trim() ? { auto_respond: true, response_template: template } : {}),
              },
            }),
          );
          setKeywords("");
          setTemplate("");
          await Promise.all([list.reload(), available.reload()]);
        }}
      >
        <h2>Monitor a WhatsApp group</h2>
        <div class="row">
          <Field label="Session">
            <select value={session} onChange={(e) => setSessionId(e.currentTarget.value)} required>
              {(sessions.data ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} {s.phone ?? ""}
                </option>
              ))}
            </select>
          </Field>
          <Field label="WhatsApp group" hint="groups the session is in and that are not monitored yet">
            <select value={wa} onChange={(e) => setWa(e.currentTarget.value)} required>
              {open.map((g) => (
                <option key={g.wa_group_id} value={g.wa_group_id}>
                  {g.name} ({g.participant_count})
                </option>
              ))}
            </select>
          </Field>
          <Field label="Mode">
            <select value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
              {MODES.map(([m, label]) => (
                <option key={m} value={m}>
                  {label}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div class="row">
          <Field label="Keywords" hint="comma-separated; required for the keyword mode">
            <input value={keywords} onInput={(e) => setKeywords(e.currentTarget.value)} required={mode === "keywords"} />
          </Field>
          <Field label="Auto-response" hint="optional: sent once to each new lead, e.g. Hi {{name}}, thanks for writing in {{group_name}}">
            <textarea rows={2} value={template} onInput={(e) => setTemplate(e.currentTarget.value)} maxLength={4096} />
          </Field>
        </div>
        <button type="submit" disabled={open.length === 0}>
          Monitor group
        </button>
      </Form>
      <ErrorText error={list.error ?? sessions.error ?? available.error} />
      {!list.data ? (
        <Loading what="monitored groups" />
      ) : list.data.length === 0 ? (
        <p>No monitored groups yet.</p>
      ) : (
        <TableWrap label="Monitored groups">
          <caption>Monitored groups</caption>
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Mode</th>
              <th scope="col">Messages</th>
              <th scope="col">Leads</th>
              <th scope="col">Auto-response</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((g: Monitored) => (
              <tr key={g.id} data-monitored={g.id}>
                <td>
                  {g.name}
                  {g.is_active ? null : <small class="block">paused</small>}
                </td>
                <td>
                  {g.monitor_mode}
                  {g.monitor_keywords.length ? <small class="block">{g.monitor_keywords.join(", ")}</small> : null}
                </td>
                <td class="num">{num(g.messages_processed)}</td>
                <td class="num">{num(g.leads_detected)}</td>
                <td>{g.auto_respond && g.response_template ? g.response_template : "off"}</td>
                <td class="actions">
                  <Action
                    class="link"
                    run={async () => {
                      await ok(api().PATCH("/groups/{id}", { params: { path: { id: g.id } }, body: { is_active: !g.is_active } }));
                      await list.reload();
                    }}
                  >
                    {g.is_active ? "Pause" : "Resume"}
                  </Action>
                  <Action
                    class="link danger"
                    aria-label={`Stop monitoring ${g.name}`}
                    run={async () => {
                      if (!confirm(`Stop monitoring “${g.name}”? Its stored messages are deleted; its leads stay.`)) return;
                      await ok(api().DELETE("/groups/{id}", { params: { path: { id: g.id } } }));
                      await Promise.all([list.reload(), available.reload()]);
                    }}
                  >
                    Stop
                  </Action>
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </Page>
  );
};

import { useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { Action, ErrorText, Field, Form, Loading, NextPage, num, Page, TableWrap, useLoad, when } from "../ui";
import { UsageCharts } from "./usage-charts";

export const Usage = () => {
  const usage = useLoad(async () => (await ok(api().GET("/usage/current"))) as Schema<"Usage">);
  const [cursor, setCursor] = useState<string>();
  const optOuts = useLoad(
    async () =>
      (await ok(api().GET("/opt-outs", { params: { query: { limit: 100, cursor } } }))) as { opt_outs: Schema<"OptOut">[]; next_cursor: string | null },
    [cursor],
  );
  const [phones, setPhones] = useState("");
  const u = usage.data;
  return (
    <Page title="Usage & opt-outs">
      <ErrorText error={usage.error} />
      {!u ? (
        <Loading what="usage" />
      ) : (
        <section class="card" aria-labelledby="usage-h">
          <h2 id="usage-h">
            This month ({u.month}) · plan {u.plan}
          </h2>
          <div class="meter-line">
            <label for="usage-meter">Messages</label>
            {u.limit_messages === null ? (
              <span>{num(u.total_messages)} (no monthly limit)</span>
            ) : (
              <>
                <meter
                  id="usage-meter"
                  min={0}
                  max={u.limit_messages}
                  low={u.limit_messages * 0.7}
                  high={u.limit_messages * 0.9}
                  optimum={0}
                  value={u.total_messages}
                />
                <span>
                  {num(u.total_messages)} of {num(u.limit_messages)} ({u.usage_percentage} %)
                </span>
              </>
            )}
          </div>
          <dl class="counters">
            <div>
              <dt>Reserved</dt>
              <dd>{num(u.reserved_messages)}</dd>
            </div>
            <div>
              <dt>Sent</dt>
              <dd>{num(u.messages_sent)}</dd>
            </div>
            <div>
              <dt>Received</dt>
              <dd>{num(u.messages_received)}</dd>
            </div>
            <div>
              <dt>API calls</dt>
              <dd>{num(u.api_calls)}</dd>
            </div>
            <div>
              <dt>Groups</dt>
              <dd>{num(u.custom_groups)}</dd>
            </div>
            <div>
              <dt>Reports</dt>
              <dd>{num(u.reports)}</dd>
            </div>
          </dl>
        </section>
      )}
      <UsageCharts />
      <h2>Opt-outs</h2>
      <p class="muted">No message ever goes to these numbers. A contact who wrote STOP can only undo it themselves.</p>
      <Form
        label="Add opt-outs"
        onSubmit={async () => {
          const list = phones
            .split(/[\s,;]+/)
            .map((p) => p.trim())
            .filter(Boolean);
          await ok(api().POST("/opt-outs", { body: { phones: list } }));
          setPhones("");
          await optOuts.reload();
        }}
      >
        <div class="row">
          <Field label="Numbers to opt out" hint="one per line, or separated by commas">
            <textarea rows={2} value={phones} onInput={(e) => setPhones(e.currentTarget.value)} required />
          </Field>
          <button type="submit">Add</button>
        </div>
      </Form>
      <ErrorText error={optOuts.error} />
      {!optOuts.data ? (
        <Loading what="opt-outs" />
      ) : optOuts.data.opt_outs.length === 0 ? (
        <p>Nobody opted out.</p>
      ) : (
        <TableWrap label="Opt-outs">
          <caption>Opted-out numbers</caption>
          <thead>
            <tr>
              <th scope="col">Phone</th>
              <th scope="col">Source</th>
              <th scope="col">Since</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {optOuts.data.opt_outs.map((o) => (
              <tr key={o.phone}>
                <td>{o.phone}</td>
                <td>{o.source === "inbound" ? "the contact (STOP)" : "added here or by the API"}</td>
                <td>{when(o.created_at)}</td>
                <td>
                  {o.source === "api" ? (
                    <Action
                      class="link"
                      aria-label={`Remove opt-out of ${o.phone}`}
                      run={async () => {
                        await ok(api().DELETE("/opt-outs/{phone}", { params: { path: { phone: o.phone } } }));
                        await optOuts.reload();
                      }}
                    >
                      Remove
                    </Action>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <NextPage cursor={optOuts.data?.next_cursor} onNext={setCursor} />
    </Page>
  );
};

import { useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { Link } from "../router";
import { Action, ErrorText, Field, Form, Loading, NextPage, TableWrap, useDebounced, useLoad, when } from "../ui";
import { useCampaignLabels } from "./campaign-names";

type OptOut = Schema<"OptOut">;

const sourceOf = (o: OptOut) => (o.source === "inbound" ? "the contact (STOP)" : "added here or by the API");

const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : /^[=+\-@]/.test(v) && !/^\+\d/.test(v) ? `'${v}` : v);

type Query = { q?: string; bulk_send_id?: string };

const pageOf = async (query: Query, limit: number, cursor?: string) =>
  (await ok(api().GET("/opt-outs", { params: { query: { ...query, limit, cursor } } }))) as { opt_outs: OptOut[]; next_cursor: string | null };

/** Opt-outs: add, search every one by number or name (the server searches), one campaign's, export as CSV, remove the ones added here. */
export const OptOuts = () => {
  const [cursor, setCursor] = useState<string>();
  const [query, setQuery] = useState("");
  const [campaign, setCampaign] = useState(() => new URLSearchParams(location.search).get("bulk_send_id") ?? "");
  const [phones, setPhones] = useState("");
  const q = useDebounced(query.trim(), 300);
  const filter: Query = { ...(q ? { q } : {}), ...(campaign ? { bulk_send_id: campaign } : {}) };
  const list = useLoad(() => pageOf(filter, 100, cursor), [cursor, q, campaign]);
  const labels = useCampaignLabels([...(list.data?.opt_outs ?? []).map((o) => o.bulk_send_id), campaign]);
  const label = (id: string | null) => (id ? (labels.data?.get(id) ?? id) : "");
  const shown = list.data?.opt_outs ?? [];
  return (
    <section aria-labelledby="optouts-h">
      <h2 id="optouts-h">Opt-outs</h2>
      <p class="muted">No message ever goes to these numbers. A contact who wrote STOP can only undo it themselves.</p>
      <Form
        label="Add opt-outs"
        onSubmit={async () => {
          const add = phones
            .split(/[\s,;]+/)
            .map((p) => p.trim())
            .filter(Boolean);
          await ok(api().POST("/opt-outs", { body: { phones: add } }));
          setPhones("");
          await list.reload();
        }}
      >
        <div class="row">
          <Field label="Numbers to opt out" hint="one per line, or separated by commas">
            <textarea rows={2} value={phones} onInput={(e) => setPhones(e.currentTarget.value)} required />
          </Field>
          <button type="submit">Add</button>
        </div>
      </Form>
      <div class="row">
        <Field label="Search opt-outs" hint="part of a number or a name, among all opt-outs">
          <input
            type="search"
            value={query}
            onInput={(e) => {
              setQuery(e.currentTarget.value);
              setCursor(undefined);
            }}
          />
        </Field>
        <Action
          class="secondary"
          run={async () => {
            // Every opt-out, whatever the search shows: the list to keep (or to load elsewhere).
            const rows = ["phone,name,source,campaign,since"];
            let next: string | undefined;
            do {
              const p = await pageOf({}, 200, next);
              for (const o of p.opt_outs) rows.push([o.phone, o.name ?? "", sourceOf(o), label(o.bulk_send_id), o.created_at].map(cell).join(","));
              next = p.next_cursor ?? undefined;
            } while (next);
            const a = document.createElement("a");
            a.href = URL.createObjectURL(new Blob([`${rows.join("\r\n")}\r\n`], { type: "text/csv" }));
            a.download = "opt-outs.csv";
            a.click();
            setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
          }}
        >
          Export CSV
        </Action>
      </div>
      {campaign ? (
        <p data-testid="optout-campaign">
          STOPs that answered <Link to={`/sends/${campaign}`}>{label(campaign)}</Link>.{" "}
          <button
            type="button"
            class="link"
            onClick={() => {
              setCampaign("");
              setCursor(undefined);
            }}
          >
            Show all opt-outs
          </button>
        </p>
      ) : null}
      <ErrorText error={list.error} />
      {!list.data ? (
        <Loading what="opt-outs" />
      ) : shown.length === 0 ? (
        <p>{q || campaign ? "No opt-out matches." : "Nobody opted out."}</p>
      ) : (
        <TableWrap label="Opt-outs">
          <caption>Opted-out numbers</caption>
          <thead>
            <tr>
              <th scope="col">Phone</th>
              <th scope="col">Name</th>
              <th scope="col">Source</th>
              <th scope="col">Campaign</th>
              <th scope="col">Since</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((o) => (
              <tr key={o.phone}>
                <td>{o.phone}</td>
                <td>{o.name ?? ""}</td>
                <td>{sourceOf(o)}</td>
                <td>{o.bulk_send_id ? <Link to={`/sends/${o.bulk_send_id}`}>{label(o.bulk_send_id)}</Link> : ""}</td>
                <td>{when(o.created_at)}</td>
                <td>
                  {o.source === "api" ? (
                    <Action
                      class="link"
                      aria-label={`Remove opt-out of ${o.phone}`}
                      run={async () => {
                        await ok(api().DELETE("/opt-outs/{phone}", { params: { path: { phone: o.phone } } }));
                        await list.reload();
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
      <NextPage cursor={list.data?.next_cursor} onNext={setCursor} />
    </section>
  );
};

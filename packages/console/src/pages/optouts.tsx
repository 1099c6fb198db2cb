import { useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { Action, ErrorText, Field, Form, Loading, NextPage, TableWrap, useLoad, when } from "../ui";

type OptOut = Schema<"OptOut">;

const sourceOf = (o: OptOut) => (o.source === "inbound" ? "the contact (STOP)" : "added here or by the API");

const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : /^[=+\-@]/.test(v) && !/^\+\d/.test(v) ? `'${v}` : v);

/** Names of contacts from their conversations (a contact who wrote STOP has one). */
const namesOf = async () => {
  const r = (await ok(api().GET("/conversations", { params: { query: { status: "all", limit: 100 } } }))) as { conversations: Schema<"Conversation">[] };
  return new Map(r.conversations.filter((c) => c.name).map((c) => [c.phone, c.name as string]));
};

/** Opt-outs: add, search by number or name, export every one as CSV, remove the ones added here. */
export const OptOuts = () => {
  const [cursor, setCursor] = useState<string>();
  const [query, setQuery] = useState("");
  const [phones, setPhones] = useState("");
  const list = useLoad(async () => {
    const [page, names] = await Promise.all([
      ok(api().GET("/opt-outs", { params: { query: { limit: 100, cursor } } })) as Promise<{ opt_outs: OptOut[]; next_cursor: string | null }>,
      namesOf().catch(() => new Map<string, string>()),
    ]);
    return { ...page, names };
  }, [cursor]);
  const q = query.trim().toLowerCase();
  const shown = (list.data?.opt_outs ?? []).filter((o) => !q || o.phone.includes(q) || (list.data?.names.get(o.phone) ?? "").toLowerCase().includes(q));
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
        <Field label="Search opt-outs" hint="number or name, in the page shown">
          <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </Field>
        <Action
          class="secondary"
          run={async () => {
            // Every page, not only the one shown.
            const rows = ["phone,name,source,since"];
            const names = list.data?.names ?? new Map<string, string>();
            let next: string | undefined;
            do {
              const p = (await ok(api().GET("/opt-outs", { params: { query: { limit: 100, cursor: next } } }))) as {
                opt_outs: OptOut[];
                next_cursor: string | null;
              };
              for (const o of p.opt_outs) rows.push([o.phone, names.get(o.phone) ?? "", sourceOf(o), o.created_at].map(cell).join(","));
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
      <ErrorText error={list.error} />
      {!list.data ? (
        <Loading what="opt-outs" />
      ) : shown.length === 0 ? (
        <p>{q ? "No opt-out matches." : "Nobody opted out."}</p>
      ) : (
        <TableWrap label="Opt-outs">
          <caption>Opted-out numbers</caption>
          <thead>
            <tr>
              <th scope="col">Phone</th>
              <th scope="col">Name</th>
              <th scope="col">Source</th>
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
                <td>{list.data?.names.get(o.phone) ?? ""}</td>
                <td>{sourceOf(o)}</td>
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

import { useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { Link, navigate } from "../router";
import { ErrorText, Field, Form, Loading, NextPage, num, Page, TableWrap, useLoad, when } from "../ui";

type WaGroup = { wa_group_id: string; session_id: string; name: string | null; participant_count: number };

/** A group made of the participants of WhatsApp groups the tenant's sessions are in. */
const FromWhatsApp = ({ onCreated }: { onCreated: (id: string) => void }) => {
  const wa = useLoad(
    async () => ((await ok(api().GET("/custom-groups/wa-groups", { params: { query: { limit: 200 } } }))) as { wa_groups: WaGroup[] }).wa_groups,
  );
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [name, setName] = useState("");
  const [result, setResult] = useState<string>();
  const keyOf = (g: WaGroup) => `${g.session_id} ${g.wa_group_id}`;
  if (!wa.data) return <ErrorText error={wa.error} />;
  if (wa.data.length === 0) return <p class="muted">No WhatsApp groups known yet: a working session lists the groups it is in.</p>;
  return (
    <Form
      label="Import from WhatsApp groups"
      onSubmit={async () => {
        const wa_groups = wa.data!.filter((g) => picked.has(keyOf(g))).map((g) => ({ wa_group_id: g.wa_group_id, session_id: g.session_id }));
        const r = (await ok(api().POST("/custom-groups/from-wa-groups", { body: { name, wa_groups } }))) as {
          id: string;
          imported: number;
          skipped_without_phone: number;
        };
        setResult(`Imported ${r.imported} members (${r.skipped_without_phone} known only by a WhatsApp LID were skipped).`);
        onCreated(r.id);
      }}
    >
      <h2>Import from WhatsApp groups</h2>
      <fieldset>
        <legend>WhatsApp groups</legend>
        {wa.data.map((g) => (
          <label class="check" key={keyOf(g)}>
            <input
              type="checkbox"
              checked={picked.has(keyOf(g))}
              onChange={(e) => {
                const next = new Set(picked);
                if (e.currentTarget.checked) next.add(keyOf(g));
                else next.delete(keyOf(g));
                setPicked(next);
              }}
            />{" "}
            {g.name ?? g.wa_group_id} ({num(g.participant_count)})
          </label>
        ))}
      </fieldset>
      <div class="row">
        <Field label="New group's name">
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={255} />
        </Field>
        <button type="submit" disabled={picked.size === 0}>
          Import
        </button>
      </div>
      {result ? <p role="status">{result}</p> : null}
    </Form>
  );
};

export const Groups = () => {
  const [cursor, setCursor] = useState<string | undefined>();
  const list = useLoad(
    async () =>
      (await ok(api().GET("/custom-groups", { params: { query: { limit: 50, cursor } } }))) as { groups: Schema<"CustomGroup">[]; next_cursor: string | null },
    [cursor],
  );
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [showWa, setShowWa] = useState(false);
  return (
    <Page title="Groups">
      <Form
        label="New group"
        onSubmit={async () => {
          const g = (await ok(api().POST("/custom-groups", { body: { name, description: description || undefined } }))) as { id: string };
          navigate(`/groups/${g.id}`);
        }}
      >
        <h2>New group</h2>
        <div class="row">
          <Field label="Group name">
            <input value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={255} />
          </Field>
          <Field label="Description">
            <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} maxLength={2000} />
          </Field>
          <button type="submit">Create group</button>
        </div>
      </Form>
      <p>
        <button type="button" class="secondary" aria-expanded={showWa} onClick={() => setShowWa(!showWa)}>
          Import from WhatsApp groups…
        </button>
      </p>
      {showWa ? <FromWhatsApp onCreated={() => void list.reload()} /> : null}
      <ErrorText error={list.error} />
      {!list.data ? (
        <Loading what="groups" />
      ) : list.data.groups.length === 0 ? (
        <p>No groups yet.</p>
      ) : (
        <TableWrap label="Groups">
          <caption>Contact groups</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Members</th>
              <th scope="col">Description</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {list.data.groups.map((g) => (
              <tr key={g.id}>
                <td>
                  <Link to={`/groups/${g.id}`}>{g.name}</Link>
                </td>
                <td class="num">{num(g.member_count)}</td>
                <td>{g.description ?? ""}</td>
                <td>{when(g.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <div class="pager">
        {cursor ? (
          <button type="button" class="secondary" onClick={() => setCursor(undefined)}>
            First page
          </button>
        ) : null}
        <NextPage cursor={list.data?.next_cursor} onNext={setCursor} />
      </div>
    </Page>
  );
};

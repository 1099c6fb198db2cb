import { useState } from "preact/hooks";
import { api, download, ok, type Schema } from "../api";
import { navigate } from "../router";
import { Action, ErrorText, Field, Form, Loading, NextPage, num, Page, TableWrap, useLoad, when } from "../ui";
import { UndoBar } from "../undo";
import { Import } from "./group-import";

type Detail = Schema<"CustomGroup"> & { members: Schema<"Member">[]; next_cursor: string | null };

export const GroupDetail = ({ params }: { params: Record<string, string> }) => {
  const id = params.id!;
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const [limit, setLimit] = useState(50);
  const g = useLoad(
    async () => (await ok(api().GET("/custom-groups/{id}", { params: { path: { id }, query: { limit, cursor } } }))) as Detail,
    [id, cursor, limit],
  );
  const [search, setSearch] = useState("");
  const [name, setName] = useState<string>();
  const [description, setDescription] = useState<string>();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [removed, setRemoved] = useState<Schema<"Member">[]>();
  if (!g.data) return <Page title="Group">{g.error ? <ErrorText error={g.error} /> : <Loading what="the group" />}</Page>;
  const q = search.trim().toLowerCase();
  const members = q ? g.data.members.filter((m) => m.phone.includes(q) || (m.name ?? "").toLowerCase().includes(q)) : g.data.members;
  // Removing keeps what was removed (name and fields) so that "Undo" adds the same members back.
  const remove = async (list: Schema<"Member">[]) => {
    await ok(api().POST("/custom-groups/{id}/members/remove", { params: { path: { id } }, body: { member_ids: list.map((m) => m.id) } }));
    setRemoved(list);
    setSelected(new Set());
    await g.reload();
  };
  const toggle = (mid: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(mid);
    else next.delete(mid);
    setSelected(next);
  };
  return (
    <Page
      title={g.data.name}
      actions={
        <>
          <Action class="secondary" run={() => download(`/custom-groups/${encodeURIComponent(id)}/export/csv`, `${id}.csv`)}>
            Export CSV
          </Action>
          <Action class="secondary" run={() => download(`/custom-groups/${encodeURIComponent(id)}/export/json`, `${id}.json`)}>
            Export JSON
          </Action>
          <Action
            class="danger"
            run={async () => {
              if (!confirm(`Delete group "${g.data!.name}" and its ${g.data!.member_count} members?`)) return;
              await ok(api().DELETE("/custom-groups/{id}", { params: { path: { id } } }));
              navigate("/groups");
            }}
          >
            Delete group
          </Action>
        </>
      }
    >
      <p>
        {num(g.data.member_count)} members{g.data.description ? ` · ${g.data.description}` : ""}
      </p>
      <Form
        label="Rename group"
        onSubmit={async () => {
          await ok(
            api().PATCH("/custom-groups/{id}", {
              params: { path: { id } },
              body: { name: name ?? g.data!.name, description: description ?? g.data!.description },
            }),
          );
          await g.reload();
        }}
      >
        <h2>Name and description</h2>
        <div class="row">
          <Field label="Name">
            <input value={name ?? g.data.name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={255} />
          </Field>
          <Field label="Description">
            <input value={description ?? g.data.description ?? ""} onInput={(e) => setDescription(e.currentTarget.value)} maxLength={2000} />
          </Field>
          <button type="submit">Save</button>
        </div>
      </Form>
      <Import id={id} onDone={() => void g.reload()} />
      <h2>Members</h2>
      <div class="row">
        <Field label="Search this page">
          <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} placeholder="name or number" />
        </Field>
        <Field label="Per page">
          <select
            value={String(limit)}
            onChange={(e) => {
              setLimit(Number(e.currentTarget.value));
              setCursors([undefined]);
            }}
          >
            {[25, 50, 100, 200].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </Field>
      </div>
      {removed ? (
        <UndoBar
          message={`Removed ${removed.length === 1 ? removed[0]?.phone : `${num(removed.length)} members`}.`}
          undo={async () => {
            const contacts = removed.map((m) => ({ phone: m.phone, name: m.name, ...(m.fields ? { fields: m.fields } : {}) }));
            await ok(api().POST("/custom-groups/{id}/members/add", { params: { path: { id } }, body: { contacts } }));
            await g.reload();
          }}
          onDone={() => setRemoved(undefined)}
        />
      ) : null}
      {selected.size ? (
        <Action
          class="danger"
          run={async () => {
            const list = g.data!.members.filter((m) => selected.has(m.id));
            if (!confirm(`Remove ${list.length} selected member${list.length === 1 ? "" : "s"} from this group?`)) return;
            await remove(list);
          }}
        >
          Remove selected ({num(selected.size)})
        </Action>
      ) : null}
      <TableWrap label="Members">
        <caption>
          Members, page {cursors.length}
          {q ? ` (filtered: ${members.length})` : ""}
        </caption>
        <thead>
          <tr>
            <th scope="col">
              <input
                type="checkbox"
                aria-label="Select all members shown"
                checked={members.length > 0 && members.every((m) => selected.has(m.id))}
                onChange={(e) => setSelected(e.currentTarget.checked ? new Set(members.map((m) => m.id)) : new Set())}
              />
            </th>
            <th scope="col">Phone</th>
            <th scope="col">Name</th>
            <th scope="col">Added</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <td>
                <input type="checkbox" aria-label={`Select ${m.phone}`} checked={selected.has(m.id)} onChange={(e) => toggle(m.id, e.currentTarget.checked)} />
              </td>
              <td>{m.phone}</td>
              <td class="member-name">{m.name ?? ""}</td>
              <td>{when(m.added_at)}</td>
              <td>
                <Action class="link" aria-label={`Remove ${m.phone}`} run={() => remove([m])}>
                  Remove
                </Action>
              </td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
      <div class="pager">
        {cursors.length > 1 ? (
          <button type="button" class="secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
        ) : null}
        <NextPage cursor={g.data.next_cursor} onNext={(c) => setCursors([...cursors, c])} />
      </div>
    </Page>
  );
};

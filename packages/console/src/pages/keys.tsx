import { useEffect, useRef, useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { Action, ErrorText, Field, Form, Loading, Page, TableWrap, useLoad, when } from "../ui";

type Scope = Schema<"ApiKeyCreate">["scopes"][number];
type Created = Schema<"ApiKeyCreated">;

/** The scopes a key may get, by resource (the API refuses any the signed-in key lacks itself). */
const RESOURCES: [string, string][] = [
  ["custom-groups", "Contact groups"],
  ["bulk-send", "Bulk sends and opt-outs"],
  ["scheduled", "Scheduled messages"],
  ["reports", "Reports"],
  ["sessions", "Sessions"],
  ["messages", "Messages and conversations"],
  ["webhooks", "Webhooks"],
  ["groups", "Monitored groups"],
  ["leads", "Leads"],
  ["reviews", "Reviews"],
  ["settings", "API keys"],
];
const scopeOf = (resource: string, level: "read" | "manage") => `${resource}:${level}` as Scope;

/** The new key, shown once in a modal dialog with a copy button; closing it forgets the secret. */
const ShowOnce = ({ created, onClose }: { created: Created; onClose: () => void }) => {
  const ref = useRef<HTMLDialogElement>(null);
  const [copied, setCopied] = useState<string>();
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} class="card once" aria-labelledby="once-h" onClose={onClose}>
      <h2 id="once-h">Key “{created.name}” created</h2>
      <p>Copy it now: this is the only time it is shown. Only a fingerprint of it is stored.</p>
      <p>
        <code class="secret" data-testid="new-key">
          {created.key}
        </code>
      </p>
      <div class="row">
        <button
          type="button"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(created.key);
              setCopied("Copied to the clipboard.");
            } catch {
              setCopied("Copying was not allowed here; select the key and copy it.");
            }
          }}
        >
          Copy key
        </button>
        <button type="button" class="secondary" onClick={() => ref.current?.close()}>
          Done
        </button>
      </div>
      {copied ? <p role="status">{copied}</p> : null}
    </dialog>
  );
};

export const Keys = () => {
  const list = useLoad(async () => (await ok(api().GET("/api-keys"))).api_keys);
  const me = useLoad(async () => await ok(api().GET("/auth/me")));
  const [name, setName] = useState("");
  const [days, setDays] = useState("");
  const [scopes, setScopes] = useState<Scope[]>([]);
  const [created, setCreated] = useState<Created>();
  const mine = me.data?.key.scopes ?? [];
  const toggle = (s: Scope, on: boolean) => setScopes(on ? [...scopes, s] : scopes.filter((x) => x !== s));
  return (
    <Page title="API keys">
      <p class="muted">
        Keys let programs and agents use this account. A key never gets scopes the key you signed in with lacks; revoking one stops it at its next request.
      </p>
      <Form
        label="New API key"
        onSubmit={async () => {
          const body = { name, scopes, ...(days ? { expires_in_days: Number(days) } : {}) };
          setCreated(await ok(api().POST("/api-keys", { body })));
          setName("");
          setDays("");
          setScopes([]);
          await list.reload();
        }}
      >
        <h2>New API key</h2>
        <div class="row">
          <Field label="Key name">
            <input value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={100} />
          </Field>
          <Field label="Expires after (days)" hint="empty: never">
            <input type="number" min={1} max={3650} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
          </Field>
        </div>
        <fieldset class="events">
          <legend>Scopes</legend>
          {RESOURCES.map(([resource, label]) => (
            <div class="scope-row" key={resource}>
              <span class="scope-name">{label}</span>
              {(["read", "manage"] as const).map((level) => {
                const s = scopeOf(resource, level);
                const allowed = mine.includes(s) || (level === "read" && mine.includes(scopeOf(resource, "manage")));
                return (
                  <label class="check" key={s}>
                    <input type="checkbox" checked={scopes.includes(s)} disabled={!allowed} onChange={(e) => toggle(s, e.currentTarget.checked)} /> {s}
                  </label>
                );
              })}
            </div>
          ))}
          <label class="check">
            <input
              type="checkbox"
              checked={scopes.includes("usage:read")}
              disabled={!mine.includes("usage:read")}
              onChange={(e) => toggle("usage:read", e.currentTarget.checked)}
            />{" "}
            usage:read (usage history and plan)
          </label>
        </fieldset>
        <button type="submit" disabled={scopes.length === 0}>
          Create key
        </button>
      </Form>
      {created ? <ShowOnce created={created} onClose={() => setCreated(undefined)} /> : null}
      <ErrorText error={list.error} />
      {!list.data ? (
        <Loading what="keys" />
      ) : (
        <TableWrap label="API keys">
          <caption>API keys of this account</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((k) => (
              <tr key={k.id} data-key={k.id}>
                <td>
                  {k.name}
                  {k.id === me.data?.key.id ? <small class="block">this browser's key</small> : null}
                </td>
                <td class="mono">{k.prefix}…</td>
                <td>{k.scopes.join(", ")}</td>
                <td>{when(k.created_at)}</td>
                <td>{k.expires_at ? when(k.expires_at) : "never"}</td>
                <td>{when(k.last_used_at)}</td>
                <td>
                  <Action
                    class="link danger"
                    aria-label={`Revoke key ${k.name}`}
                    run={async () => {
                      if (!confirm(`Revoke the key “${k.name}” (${k.prefix}…)? Programs using it stop working at once.`)) return;
                      await ok(api().DELETE("/api-keys/{id}", { params: { path: { id: k.id } } }));
                      await list.reload();
                    }}
                    done="Key revoked."
                  >
                    Revoke
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

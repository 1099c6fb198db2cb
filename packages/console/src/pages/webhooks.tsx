import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { Action, ErrorText, Field, Form, Loading, Page, StatusBadge, TableWrap, useLoad, when } from "../ui";

type Webhook = Schema<"Webhook">;
type Delivery = Schema<"WebhookDelivery">;

const EVENTS = [
  "message.received",
  "message.sent",
  "message.delivered",
  "message.read",
  "message.failed",
  "session.connected",
  "session.disconnected",
  "bulk_send.completed",
  "bulk_send.paused",
  "scheduled_message.run",
  "report.executed",
  "contact.opted_out",
] as const;

const Deliveries = ({ id }: { id: string }) => {
  const list = useLoad(
    async () => (await ok(api().GET("/webhooks/{id}/deliveries", { params: { path: { id }, query: { limit: 50 } } }))) as { deliveries: Delivery[] },
    [id],
  );
  if (!list.data) return list.error ? <ErrorText error={list.error} /> : <Loading what="deliveries" />;
  if (list.data.deliveries.length === 0) return <p class="muted">No deliveries yet.</p>;
  return (
    <TableWrap label="Deliveries">
      <caption>Delivery log, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last answer</th>
          <th scope="col">Next attempt</th>
          <th scope="col">
            <span class="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {list.data.deliveries.map((d) => (
          <tr key={d.id}>
            <td>
              {d.event}
              <small class="block">{when(d.created_at)}</small>
            </td>
            <td>
              <StatusBadge status={d.status} />
            </td>
            <td class="num">{d.attempts}</td>
            <td>{d.last_status_code ?? d.last_error ?? "–"}</td>
            <td>{when(d.next_attempt_at)}</td>
            <td>
              {d.status !== "delivered" ? (
                <Action
                  class="link"
                  run={async () => {
                    await ok(api().POST("/webhooks/{id}/deliveries/{delivery_id}/retry", { params: { path: { id, delivery_id: d.id } } }));
                    await list.reload();
                  }}
                  done="Retry queued."
                >
                  Retry
                </Action>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
};

export const Webhooks = () => {
  const list = useLoad(async () => (await ok(api().GET("/webhooks"))) as { webhooks: Webhook[] });
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<string[]>(["message.received"]);
  const [secret, setSecret] = useState<string>();
  const [open, setOpen] = useState<string>();
  const [tested, setTested] = useState<Record<string, string>>({});
  return (
    <Page title="Webhooks">
      <Form
        label="New webhook"
        onSubmit={async () => {
          const w = (await ok(api().POST("/webhooks", { body: { name, url, events } }))) as Webhook & { secret: string };
          setSecret(w.secret);
          setName("");
          setUrl("");
          await list.reload();
        }}
      >
        <h2>New webhook</h2>
        <div class="row">
          <Field label="Name">
            <input value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={255} />
          </Field>
          <Field label="URL" hint="public https URL; events are POSTed to it, signed">
            <input type="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} required />
          </Field>
        </div>
        <fieldset class="events">
          <legend>Events</legend>
          {EVENTS.map((ev) => (
            <label class="check" key={ev}>
              <input
                type="checkbox"
                checked={events.includes(ev)}
                onChange={(e) => setEvents(e.currentTarget.checked ? [...events, ev] : events.filter((x) => x !== ev))}
              />{" "}
              {ev}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={events.length === 0}>
          Create webhook
        </button>
        {secret ? (
          <p role="status">
            Signing secret (shown once, keep it): <code class="secret">{secret}</code>
          </p>
        ) : null}
      </Form>
      <ErrorText error={list.error} />
      {!list.data ? (
        <Loading what="webhooks" />
      ) : list.data.webhooks.length === 0 ? (
        <p>No webhooks yet.</p>
      ) : (
        <TableWrap label="Webhooks">
          <caption>Webhooks</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Active</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.data.webhooks.map((w) => (
              <Fragment key={w.id}>
                <tr>
                  <td>{w.name}</td>
                  <td class="url">{w.url}</td>
                  <td>{w.events.join(", ")}</td>
                  <td>
                    {w.is_active ? "yes" : "no"}
                    {w.disabled_reason ? <small class="block">{w.disabled_reason}</small> : null}
                  </td>
                  <td class="actions">
                    <Action
                      run={async () => {
                        const r = (await ok(api().POST("/webhooks/{id}/test", { params: { path: { id: w.id } } }))) as {
                          success: boolean;
                          status_code: number | null;
                          duration_ms: number | null;
                          error: string | null;
                        };
                        setTested({
                          ...tested,
                          [w.id]: r.success ? `Delivered (${r.status_code}, ${r.duration_ms} ms)` : `Failed: ${r.error ?? r.status_code}`,
                        });
                      }}
                    >
                      Send test
                    </Action>
                    <Action
                      class="secondary"
                      run={async () => {
                        await ok(api().PATCH("/webhooks/{id}", { params: { path: { id: w.id } }, body: { is_active: !w.is_active } }));
                        await list.reload();
                      }}
                    >
                      {w.is_active ? "Turn off" : "Turn on"}
                    </Action>
                    <button type="button" class="secondary" aria-expanded={open === w.id} onClick={() => setOpen(open === w.id ? undefined : w.id)}>
                      Deliveries
                    </button>
                    <Action
                      class="danger"
                      run={async () => {
                        if (!confirm(`Delete webhook "${w.name}" and its delivery log?`)) return;
                        await ok(api().DELETE("/webhooks/{id}", { params: { path: { id: w.id } } }));
                        await list.reload();
                      }}
                    >
                      Delete
                    </Action>
                    {tested[w.id] ? <span role="status">{tested[w.id]}</span> : null}
                  </td>
                </tr>
                {open === w.id ? (
                  <tr>
                    <td colSpan={5}>
                      <Deliveries id={w.id} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </TableWrap>
      )}
    </Page>
  );
};

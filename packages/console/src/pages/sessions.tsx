import { Fragment } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { Action, ErrorText, Field, Form, Loading, Page, StatusBadge, TableWrap, useLoad, when } from "../ui";

type Session = Schema<"Session">;

/** The QR while the session waits to be paired, fetched again every 3 s (WhatsApp rotates it about every 20 s). */
const Qr = ({ id }: { id: string }) => {
  const [qr, setQr] = useState<{ png_data_url?: string; error?: unknown }>({});
  useEffect(() => {
    let stop = false;
    const tick = async () => {
      try {
        const r = await ok(api().GET("/sessions/{id}/qr", { params: { path: { id } } }));
        if (!stop) setQr({ png_data_url: (r as { png_data_url?: string }).png_data_url });
      } catch (error) {
        if (!stop) setQr({ error });
      }
    };
    void tick();
    const t = setInterval(tick, 3000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [id]);
  return (
    <div class="qr">
      {qr.png_data_url ? <img src={qr.png_data_url} alt="QR code to scan in WhatsApp, Linked devices" width={220} height={220} /> : null}
      <ErrorText error={qr.error} />
      <p class="muted">WhatsApp → Settings → Linked devices → Link a device. The code refreshes by itself.</p>
    </div>
  );
};

const PairingCode = ({ id }: { id: string }) => {
  const [phone, setPhone] = useState("");
  const [code, setCode] = useState<string>();
  return (
    <Form
      class="inline-form"
      label="Pair by phone number"
      onSubmit={async () => {
        const r = await ok(api().POST("/sessions/{id}/pairing-code", { params: { path: { id } }, body: { phone } }));
        setCode((r as { code: string }).code);
      }}
    >
      <Field label="Phone number to pair">
        <input type="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} placeholder="+5511999998888" required />
      </Field>
      <button type="submit">Get pairing code</button>
      {code ? (
        <p>
          Code: <strong class="code">{code}</strong> (Linked devices → Link with phone number instead)
        </p>
      ) : null}
    </Form>
  );
};

const numOrNull = (s: string) => (s.trim() === "" ? null : Number(s));

/** The session's pacing policy: the ceiling every send on this number keeps. */
const Pacing = ({ s, onSaved }: { s: Session; onSaved: () => void }) => {
  const p = s.pacing;
  const [burstMax, setBurstMax] = useState(p.burst ? String(p.burst.max) : "");
  const [burstWindow, setBurstWindow] = useState(p.burst ? String(p.burst.window_seconds) : "");
  const [gap, setGap] = useState(String(p.min_gap_seconds));
  const [cap, setCap] = useState(p.daily_cap === null ? "" : String(p.daily_cap));
  const [warmup, setWarmup] = useState(p.warmup);
  const sandbox = s.transport === "sandbox";
  return (
    <Form
      class="pacing"
      label={`Pacing of ${s.name}`}
      onSubmit={async () => {
        const max = numOrNull(burstMax);
        const win = numOrNull(burstWindow);
        await ok(
          api().PATCH("/sessions/{id}", {
            params: { path: { id: s.id } },
            body: {
              pacing: {
                burst: max !== null && win !== null ? { max, window_seconds: win } : null,
                min_gap_seconds: Number(gap || 0),
                daily_cap: numOrNull(cap),
                warmup,
              },
            },
          }),
        );
        onSaved();
      }}
    >
      <fieldset>
        <legend>Pacing policy</legend>
        <div class="row">
          <Field label="Burst: messages" hint={`At most this many messages in a row before a pause; empty: no burst limit. Default ${sandbox ? "none" : "4"}.`}>
            <input type="number" min={1} value={burstMax} onInput={(e) => setBurstMax(e.currentTarget.value)} />
          </Field>
          <Field label="per seconds" hint={`The window the burst counts in. Default ${sandbox ? "none" : "120 s"}.`}>
            <input type="number" min={1} value={burstWindow} onInput={(e) => setBurstWindow(e.currentTarget.value)} />
          </Field>
          <Field label="Minimum gap (s)" hint={`Never two messages of this number closer than this, whatever a send asks. Default ${sandbox ? "0" : "20"} s.`}>
            <input type="number" min={0} value={gap} onInput={(e) => setGap(e.currentTarget.value)} />
          </Field>
          <Field label="Daily cap" hint="At most this many messages a day from this number, all sends together; empty: none (the default).">
            <input type="number" min={1} value={cap} onInput={(e) => setCap(e.currentTarget.value)} />
          </Field>
          <label class="check">
            <input type="checkbox" checked={warmup} onChange={(e) => setWarmup(e.currentTarget.checked)} /> Warm-up curve
          </label>
          <small class="block">
            Warm-up: a newly paired number sends at most 20 messages on its first day, rising day by day to 2,500 (on by default for real numbers, off for the
            sandbox).
          </small>
        </div>
        {s.pacing_warnings.length ? (
          <ul class="warnings">
            {s.pacing_warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        ) : null}
        <button type="submit">Save pacing</button>
      </fieldset>
    </Form>
  );
};

export const Sessions = () => {
  const list = useLoad(async () => (await ok(api().GET("/sessions"))) as Session[]);
  const [name, setName] = useState("");
  const [open, setOpen] = useState<string>();
  const waiting = list.data?.some((s) => s.status === "starting" || s.status === "qr");
  useEffect(() => {
    if (!waiting) return;
    const t = setInterval(() => void list.reload(), 3000);
    return () => clearInterval(t);
  }, [waiting, list.reload]);
  return (
    <Page title="Sessions">
      <Form
        label="New session"
        onSubmit={async () => {
          const s = await ok(api().POST("/sessions", { body: { name } }));
          setName("");
          setOpen((s as Session).id);
          await list.reload();
        }}
      >
        <h2>New session</h2>
        <div class="row">
          <Field label="Session name">
            <input value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={255} />
          </Field>
          <button type="submit">Create session</button>
        </div>
      </Form>
      <ErrorText error={list.error} />
      {!list.data ? (
        <Loading what="sessions" />
      ) : list.data.length === 0 ? (
        <p>No sessions yet: create one to connect a WhatsApp number.</p>
      ) : (
        <TableWrap label="Sessions">
          <caption>WhatsApp sessions</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Phone</th>
              <th scope="col">Transport</th>
              <th scope="col">Updated</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((s) => (
              <Fragment key={s.id}>
                <tr data-session={s.id}>
                  <td>{s.name}</td>
                  <td>
                    <StatusBadge status={s.status} />
                    {s.status_reason ? <small class="block">{s.status_reason}</small> : null}
                  </td>
                  <td>{s.phone ?? "–"}</td>
                  <td>{s.transport === "sandbox" ? "Sandbox (simulated WhatsApp, no QR code needed)" : "WhatsApp (scan the QR code once)"}</td>
                  <td>{when(s.updated_at)}</td>
                  <td class="actions">
                    <button type="button" class="secondary" aria-expanded={open === s.id} onClick={() => setOpen(open === s.id ? undefined : s.id)}>
                      {open === s.id ? "Hide settings" : "Manage"}
                    </button>
                    <Action
                      class="danger"
                      run={async () => {
                        if (!confirm(`Log out and delete session "${s.name}"?`)) return;
                        await ok(api().DELETE("/sessions/{id}", { params: { path: { id: s.id } } }));
                        await list.reload();
                      }}
                    >
                      Delete
                    </Action>
                  </td>
                </tr>
                {open === s.id ? (
                  <tr>
                    <td colSpan={6}>
                      {s.status === "qr" ? (
                        <>
                          <Qr id={s.id} />
                          <PairingCode id={s.id} />
                        </>
                      ) : null}
                      <Pacing s={s} onSaved={() => void list.reload()} />
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

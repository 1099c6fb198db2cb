import { normalize } from "@outreach/core/phone";
import type { SandboxTransport } from "@outreach/whatsapp/sandbox";
import { type Context, Hono, type Next } from "hono";
import * as z from "zod";
import { errorBody } from "../errors";
import { inboxPage } from "./sandbox-page";

/** WhatsApp's own limit for a message's text: tests play hostile inbound texts of that length end to end. */
export const MAX_INBOUND_TEXT = 65_536;
const Inbound = z
  .object({
    session_id: z.string().min(1).max(100),
    from: z.string().min(1).max(64),
    text: z.string().max(MAX_INBOUND_TEXT).optional(),
    /** Media the contact sends (`text` is then its caption, optional). */
    media_type: z.enum(["image", "video", "audio", "document", "sticker"]).optional(),
    /** WhatsApp's id of the message: the same id again plays a redelivery (stored once). */
    message_id: z
      .string()
      .regex(/^[\w.:-]{1,128}$/)
      .optional(),
    name: z.string().min(1).max(255).optional(),
    /** When the contact wrote it (default now): plays a message that waited, e.g. for the unanswered report. */
    sent_at: z.string().datetime({ offset: true }).optional(),
    /** A message in a WhatsApp group the session is in (defined with /sandbox/api/wa-groups): `from` is the member. */
    wa_group_id: z.string().min(1).max(200).optional(),
    /** The member's LID, for a member known only by it (`from` is then ignored when it is not a number). */
    from_lid: z.string().min(1).max(100).optional(),
    /** Group messages: who it @-mentions (phone numbers, or JIDs/LIDs), e.g. the session's own number. */
    mentions: z.array(z.string().min(1).max(100)).max(256).optional(),
  })
  .refine((b) => (b.text !== undefined && b.text.length > 0) || b.media_type !== undefined, {
    message: "text is required unless media_type is given",
    path: ["text"],
  });
const WaGroup = z.object({
  session_id: z.string().min(1).max(100),
  wa_group_id: z.string().min(1).max(200),
  name: z.string().min(1).max(255),
  participants: z
    .array(z.object({ phone: z.string().max(64).optional(), lid: z.string().max(100).optional(), name: z.string().max(255).optional() }))
    .max(5000),
});
const Faults = z.object({
  session_id: z.string().min(1).max(100),
  fail_next: z.number().int().min(0).max(10_000),
  error: z.enum(["transient", "permanent", "logout"]),
});
const Receipts = z.object({ phone: z.string().min(1).max(64), mode: z.enum(["normal", "none", "delivered_only", "refused_463"]) });

const LOCAL_HOSTS = ["localhost", "127.0.0.1", "::1"];

/** The host name of a `Host` header (`[::1]:3000` → `::1`), lower case; undefined when absent. */
const hostName = (header: string | undefined) => {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]") > 0 ? h.indexOf("]") : undefined);
  return h.replace(/:\d*$/, "");
};

/**
 * The sandbox's routes (no API key; served only with the sandbox transport, never with a real one).
 * Local only (issue 29): a request must name this machine in `Host` (localhost, 127.0.0.1, [::1], or
 * the configured `HOST`), so a web page the developer visits cannot reach it through DNS rebinding;
 * and a POST must be `application/json`, which a page cannot send cross-site without a preflight.
 */
export const sandboxRoutes = (sandbox: SandboxTransport, opts: { sessionStatus?: (sessionId: string) => Promise<string | undefined>; host?: string } = {}) => {
  const app = new Hono();
  const hosts = new Set([...LOCAL_HOSTS, ...(opts.host ? [hostName(opts.host) as string] : [])]);
  const guard = async (c: Context, next: Next) => {
    const host = hostName(c.req.header("host"));
    if (!host || !hosts.has(host))
      return c.json(errorBody("sandbox.host_refused", `The sandbox answers only requests addressed to ${[...hosts].join(", ")} (Host header).`), 403);
    if (c.req.method !== "GET" && c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase() !== "application/json")
      return c.json(errorBody("request.unsupported_media_type", "Send the sandbox's requests as JSON (Content-Type: application/json)."), 415);
    await next();
  };
  app.use("/sandbox", guard);
  app.use("/sandbox/*", guard);
  const parse = async <T>(c: { req: { json: () => Promise<unknown> } }, schema: z.ZodType<T>) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return { error: errorBody("request.malformed", "The request body is not valid JSON."), status: 400 as const };
    }
    const r = schema.safeParse(raw);
    if (!r.success)
      return { error: errorBody("request.invalid", r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")), status: 400 as const };
    return { data: r.data };
  };
  /** Why a session cannot be acted on here: 404 when it does not exist, 409 `session.not_ready` (with its status) when it is not running. */
  const notRunning = async (id: string) => {
    if (sandbox.isRunning(id)) return undefined;
    const status = await opts.sessionStatus?.(id);
    if (status === undefined) return { body: errorBody("session.not_found", `No sandbox session ${id}.`), status: 404 as const };
    return {
      body: errorBody("session.not_ready", `Sandbox session ${id} is ${status}, not running here; try again once it is working.`, { status }),
      status: 409 as const,
    };
  };

  app.get("/sandbox", async (c) => c.html(inboxPage(await sandbox.messages({}))));
  app.get("/sandbox/api/messages", async (c) => {
    const to = c.req.query("to");
    const n = to ? normalize(to) : undefined;
    const messages = await sandbox.messages({ to: n?.ok ? n.e164 : to, session_id: c.req.query("session_id") });
    return c.json({ messages });
  });
  app.post("/sandbox/api/inbound", async (c) => {
    const p = await parse(c, Inbound);
    if (!p.data) return c.json(p.error, p.status);
    const nr = await notRunning(p.data.session_id);
    if (nr) return c.json(nr.body, nr.status);
    if (p.data.wa_group_id && !sandbox.hasGroup(p.data.session_id, p.data.wa_group_id))
      return c.json(
        errorBody(
          "wa_group.not_found",
          `Session ${p.data.session_id} is in no WhatsApp group ${p.data.wa_group_id}; define it with POST /sandbox/api/wa-groups first.`,
        ),
        404,
      );
    const { messageId } = await sandbox.inbound(p.data.session_id, p.data.from, p.data.text ?? "", {
      messageId: p.data.message_id,
      mediaType: p.data.media_type,
      name: p.data.name,
      at: p.data.sent_at ? Date.parse(p.data.sent_at) : undefined,
      waGroupId: p.data.wa_group_id,
      fromLid: p.data.from_lid,
      mentions: p.data.mentions,
    });
    return c.json({ ok: true, message_id: messageId });
  });
  app.post("/sandbox/api/wa-groups", async (c) => {
    const p = await parse(c, WaGroup);
    if (!p.data) return c.json(p.error, p.status);
    const nr = await notRunning(p.data.session_id);
    if (nr) return c.json(nr.body, nr.status);
    const participants = p.data.participants.map((x) => {
      const n = x.phone ? normalize(x.phone) : undefined;
      return { phone: n?.ok ? n.e164 : undefined, lid: x.lid, name: x.name };
    });
    await sandbox.defineGroup(p.data.session_id, { wa_group_id: p.data.wa_group_id, name: p.data.name, participants });
    return c.json({ ok: true }, 201);
  });
  app.post("/sandbox/api/faults", async (c) => {
    const p = await parse(c, Faults);
    if (!p.data) return c.json(p.error, p.status);
    const nr = await notRunning(p.data.session_id);
    if (nr) return c.json(nr.body, nr.status);
    sandbox.injectFaults(p.data.session_id, p.data.fail_next, p.data.error);
    return c.json({ ok: true });
  });
  app.post("/sandbox/api/receipts", async (c) => {
    const p = await parse(c, Receipts);
    if (!p.data) return c.json(p.error, p.status);
    const n = normalize(p.data.phone);
    if (!n.ok) return c.json(errorBody("phone.invalid", `Not a valid phone number (${n.reason}).`), 400);
    sandbox.setReceipts(n.e164, p.data.mode);
    return c.json({ ok: true });
  });
  return app;
};

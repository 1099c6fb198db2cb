import { describe, expect, it } from "vitest";
import { preview } from "../text";
import { isAnswered, isUnanswered, recipientOf, replyTarget, safeMessageId } from ".";
import type { Conversation } from "./port";

const conv = (over: Partial<Conversation>): Conversation => ({
  tenant_id: "ten_1",
  session_id: "ses_1",
  phone: "+5511999990001",
  name: null,
  last_inbound_at: null,
  last_outbound_at: null,
  last_activity_at: "2026-11-20T10:00:00.000Z",
  inbound_count: 0,
  outbound_count: 0,
  last_text: null,
  last_text_expires_at: null,
  opted_out: false,
  listed: true,
  campaign_job_id: null,
  campaign_sent_at: null,
  campaign_quota_month: null,
  ...over,
});

describe("who waits for an answer", () => {
  it("is the contact whose message is the last one, unless they opted out", () => {
    expect(isUnanswered(conv({ last_inbound_at: "2026-11-20T10:00:00.000Z" }))).toBe(true);
    expect(isUnanswered(conv({ last_inbound_at: "2026-11-20T10:00:00.000Z", last_outbound_at: "2026-11-20T09:00:00.000Z" }))).toBe(true);
    expect(isUnanswered(conv({ last_inbound_at: "2026-11-20T10:00:00.000Z", last_outbound_at: "2026-11-20T10:00:01.000Z" }))).toBe(false);
    expect(isUnanswered(conv({ last_inbound_at: "2026-11-20T10:00:00.000Z", opted_out: true }))).toBe(false);
    expect(isUnanswered(conv({ last_outbound_at: "2026-11-20T10:00:00.000Z" }))).toBe(false);
  });
  it("answered means our message is the last one (an opted-out contact's STOP is neither)", () => {
    expect(isAnswered(conv({ last_inbound_at: "2026-11-20T10:00:00.000Z", last_outbound_at: "2026-11-20T10:00:01.000Z" }))).toBe(true);
    expect(isAnswered(conv({ last_inbound_at: "2026-11-20T10:00:02.000Z", last_outbound_at: "2026-11-20T10:00:01.000Z", opted_out: true }))).toBe(false);
    expect(isAnswered(conv({}))).toBe(false);
  });
});

describe("reply attribution", () => {
  const sent = conv({ campaign_job_id: "bulk_1", campaign_sent_at: "2026-11-20T10:00:00.000Z", campaign_quota_month: "2026-11" });
  const at = (h: number) => Date.parse("2026-11-20T10:00:00.000Z") + h * 3_600_000;
  it("counts a message within the window after the send, not before it or after the window", () => {
    expect(replyTarget(sent, at(1), 72)).toEqual({
      job: { tenant_id: "ten_1", id: "bulk_1", quota_month: "2026-11" },
      phone: "+5511999990001",
      at: new Date(at(1)).toISOString(),
    });
    expect(replyTarget(sent, at(72), 72)).not.toBeNull();
    expect(replyTarget(sent, at(72.01), 72)).toBeNull();
    expect(replyTarget(sent, at(-0.01), 72)).toBeNull();
    expect(replyTarget(sent, at(5), 4)).toBeNull();
    expect(replyTarget(conv({}), at(1), 72)).toBeNull();
    expect(replyTarget(undefined, at(1), 72)).toBeNull();
  });
});

describe("POST /messages/send recipients", () => {
  it("takes MoltFlow's chat_id or a phone, the same number in both, and refuses groups and nonsense", () => {
    expect(recipientOf({ chat_id: "5511999999999@c.us" })).toBe("+5511999999999");
    expect(recipientOf({ chat_id: "5511999999999@s.whatsapp.net" })).toBe("+5511999999999");
    expect(recipientOf({ phone: "+55 11 99999-9999" })).toBe("+5511999999999");
    expect(recipientOf({ chat_id: "5511999999999@c.us", phone: "+5511999999999" })).toBe("+5511999999999");
    expect(() => recipientOf({ chat_id: "5511999999999@c.us", phone: "+5511999999998" })).toThrow(
      expect.objectContaining({ code: "message.recipient_mismatch" }),
    );
    expect(() => recipientOf({ chat_id: "120363000000000001@g.us" })).toThrow(expect.objectContaining({ kind: "unprocessable", code: "message.group_chat" }));
    expect(() => recipientOf({ chat_id: "hello" })).toThrow(expect.objectContaining({ kind: "invalid", code: "chat_id.invalid" }));
    expect(() => recipientOf({ chat_id: "123@c.us" })).toThrow(expect.objectContaining({ code: "chat_id.invalid" }));
    expect(() => recipientOf({})).toThrow(expect.objectContaining({ kind: "unprocessable", code: "request.missing_field" }));
  });
});

describe("texts and ids", () => {
  it("previews the start of a text, media as its kind", () => {
    expect(preview("  hi there ")).toBe("hi there");
    expect(preview("", "image")).toBe("[image]");
    expect(preview("a caption", "image")).toBe("a caption");
    const long = preview("😀".repeat(65_536));
    expect([...long]).toHaveLength(100);
    expect(long.endsWith("…")).toBe(true);
  });
  it("keeps WhatsApp's ids and digests anything that could not be a key", () => {
    const e = { from: "+5511999990001", at: 1, text: "x" };
    expect(safeMessageId({ ...e, messageId: "3EB0C767D26A1D5B0A2F" })).toBe("3EB0C767D26A1D5B0A2F");
    const odd = safeMessageId({ ...e, messageId: "a#b" });
    expect(odd).toMatch(/^h[0-9a-f]{40}$/);
    expect(safeMessageId({ ...e, messageId: "a#b" })).toBe(odd);
    expect(safeMessageId({ ...e, messageId: "" })).toBe(safeMessageId({ ...e, messageId: "" }));
    expect(safeMessageId({ ...e, messageId: "" })).not.toBe(safeMessageId({ ...e, text: "y", messageId: "" }));
  });
});

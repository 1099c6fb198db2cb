import { parsePhoneNumberFromString } from "libphonenumber-js/max";

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };
export type Normalize = (input: unknown) => PhoneResult;

/**
 * Normalizes a phone number to E.164. Accepts `+`, a leading `00`, spaces, dashes, dots and brackets;
 * digits without a prefix are read as international (country code first), as WhatsApp numbers are.
 * Checked against libphonenumber's `/max` metadata (each country's lengths and ranges), whose tables
 * (≈ 195 KiB minified) this module holds: code that may run in a Lambda takes it from `../e164`
 * (`loadNormalize`), which loads this module at its first call; synchronous here for the transports'
 * event mapping.
 */
export const normalize: Normalize = (input) => {
  if (typeof input !== "string" || input.trim() === "") return { ok: false, reason: "empty" };
  const trimmed = input.trim();
  if (trimmed.length > 40) return { ok: false, reason: "too_long" };
  if (!/^[+\d\s\-().]+$/.test(trimmed)) return { ok: false, reason: "invalid_characters" };
  let digits = trimmed.replace(/[\s\-().]/g, "");
  if (digits.startsWith("00")) digits = `+${digits.slice(2)}`;
  if (!digits.startsWith("+")) digits = `+${digits}`;
  if (digits.indexOf("+", 1) !== -1) return { ok: false, reason: "invalid_characters" };
  const parsed = parsePhoneNumberFromString(digits);
  if (!parsed) return { ok: false, reason: "not_a_phone_number" };
  if (!parsed.isValid()) return { ok: false, reason: "invalid_number" };
  return { ok: true, e164: parsed.number };
};

/** E.164 for a WhatsApp user JID's digits (`5511999998888@s.whatsapp.net`). */
export const fromJidUser = (user: string): string | undefined => {
  const r = normalize(`+${user}`);
  return r.ok ? r.e164 : undefined;
};

export { chatIdOf } from "../e164";

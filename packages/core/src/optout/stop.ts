const STOP_WORDS = new Set(["stop", "unsubscribe", "退订", "取消订阅"]);

/**
 * Longer replies are never a stop request. Every inbound message is checked, so the work per message
 * is bounded by this, whatever a contact sends (up to WhatsApp's 65,536 characters).
 */
export const MAX_STOP_TEXT = 256;

const TRAILING = new Set([".", "!", "。", "！"]);
/** Trailing punctuation or white space (`\s` and String#trim share one definition of white space). */
const isTrailing = (c: string) => TRAILING.has(c) || c.trim() === "";

/**
 * A reply that is exactly one of the stop words (any case, surrounding spaces and trailing punctuation
 * ignored). Linear and bounded: no regex, at most MAX_STOP_TEXT characters looked at.
 */
export const isStopMessage = (text: string) => {
  if (text.length > MAX_STOP_TEXT) return false;
  const t = text.trim();
  let end = t.length;
  while (end > 0 && isTrailing(t.charAt(end - 1))) end--;
  return STOP_WORDS.has(t.slice(0, end).toLowerCase());
};

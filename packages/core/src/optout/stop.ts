const STOP_WORDS = ["stop", "unsubscribe", "退订", "取消订阅"];
const STOP_SET = new Set(STOP_WORDS);

/**
 * Longer replies are never a stop request. Every inbound message is checked, so the work per message
 * is bounded by this, whatever a contact sends (up to WhatsApp's 65,536 characters).
 */
export const MAX_STOP_TEXT = 256;

/**
 * What is dropped before matching (issue 29): zero-width characters, variation selectors, skin tones,
 * tag characters and emoji — `STOP\u200b` and `Stop 🛑` are STOP.
 */
const IGNORED = /\u200b|\u200c|\u200d|\u2060|\ufeff|\ufe0e|\ufe0f|\p{Emoji_Modifier}|[\u{e0020}-\u{e007f}]|\p{Extended_Pictographic}/gu;
const PUNCT = /^\p{P}$/u;
/** Trailing punctuation or white space (`\s` and String#trim share one definition of white space). */
const isTrailing = (c: string) => PUNCT.test(c) || c.trim() === "";

/**
 * A reply that is one of the stop words, in any case and width (NFKC: `ＳＴＯＰ` is STOP), surrounding
 * spaces, emoji and zero-width characters ignored; punctuation may follow it, and after punctuation
 * anything (`stop, please`, `STOP. Thanks`), but not another word directly (`stop please` and
 * `stopped` are not requests to stop). Bounded: at most MAX_STOP_TEXT characters looked at.
 */
export const isStopMessage = (text: string) => {
  if (text.length > MAX_STOP_TEXT) return false;
  const t = text.normalize("NFKC").replace(IGNORED, "").trim().toLowerCase();
  let end = t.length;
  while (end > 0 && isTrailing(t.charAt(end - 1))) end--;
  const body = t.slice(0, end);
  if (STOP_SET.has(body)) return true;
  return STOP_WORDS.some((w) => body.startsWith(w) && PUNCT.test(body.charAt(w.length)));
};

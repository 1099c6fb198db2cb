/** How much of a message the conversation list shows. */
export const PREVIEW_CHARS = 100;

/** The start of a text for the conversation list; media without a caption shows as `[image]`. */
export const preview = (text: string | null | undefined, mediaType?: string | null) => {
  const t = (text ?? "").trim();
  if (!t) return mediaType ? `[${mediaType}]` : "";
  const chars = [...t];
  return chars.length > PREVIEW_CHARS ? `${chars.slice(0, PREVIEW_CHARS - 1).join("")}…` : t;
};

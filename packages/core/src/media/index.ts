/** The kinds of media WhatsApp sends: what a send's media URL becomes, and what an inbound message may carry. */
export type MediaKind = "image" | "video" | "audio" | "document";

const EXT: Record<string, MediaKind> = {
  jpg: "image",
  jpeg: "image",
  png: "image",
  webp: "image",
  gif: "image",
  mp4: "video",
  mov: "video",
  "3gp": "video",
  webm: "video",
  mp3: "audio",
  ogg: "audio",
  opus: "audio",
  m4a: "audio",
  aac: "audio",
  wav: "audio",
};

/** The media kind from a content type when known, else from the URL's extension; anything else is a document. */
export const mediaKindOf = (url: string, contentType?: string | null): MediaKind => {
  const ct = contentType?.split(";")[0]?.trim().toLowerCase();
  if (ct?.startsWith("image/")) return "image";
  if (ct?.startsWith("video/")) return "video";
  if (ct?.startsWith("audio/")) return "audio";
  if (ct && ct !== "application/octet-stream") return "document";
  let path = "";
  try {
    path = new URL(url).pathname;
  } catch {
    return "document";
  }
  const ext = path.split(".").pop()?.toLowerCase() ?? "";
  return EXT[ext] ?? "document";
};

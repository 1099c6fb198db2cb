export type MediaKind = "image" | "video" | "audio" | "document";

const MB = 1024 * 1024;

/** WhatsApp's own size limits per kind of media; a bigger file is refused while it downloads. */
export const MEDIA_MAX_BYTES: Record<MediaKind, number> = { image: 5 * MB, video: 16 * MB, audio: 16 * MB, document: 100 * MB };

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
  const ext = new URL(url).pathname.split(".").pop()?.toLowerCase() ?? "";
  return EXT[ext] ?? "document";
};

/** The file name a document is shown with: the URL's last path segment. */
export const fileNameOf = (url: string) => {
  const last = new URL(url).pathname.split("/").pop() || "file";
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
};

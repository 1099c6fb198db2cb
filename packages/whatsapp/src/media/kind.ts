import type { MediaKind } from "@outreach/core/media";

export { type MediaKind, mediaKindOf } from "@outreach/core/media";

const MB = 1024 * 1024;

/** WhatsApp's own size limits per kind of media; a bigger file is refused while it downloads. */
export const MEDIA_MAX_BYTES: Record<MediaKind, number> = { image: 5 * MB, video: 16 * MB, audio: 16 * MB, document: 100 * MB };

/** The file name a document is shown with: the URL's last path segment. */
export const fileNameOf = (url: string) => {
  const last = new URL(url).pathname.split("/").pop() || "file";
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
};

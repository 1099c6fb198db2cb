export { createMediaFetcher, type Media, type MediaFetcher, mediaError } from "./fetch";
export { fileNameOf, MEDIA_MAX_BYTES, type MediaKind, mediaKindOf } from "./kind";

/**
 * The small JPEG preview WhatsApp shows before an image is downloaded (`jpegThumbnail`, base64), 32 px
 * wide at quality 50 like Baileys' own `extractImageThumb`/`generateThumbnail`
 * (`Utils/messages-media.js`), made with `jimp` (pure JavaScript: nothing native to build in the
 * worker's image), with the image's size. Undefined when the bytes are not an image jimp reads: the
 * image is still sent, without a preview.
 */
export const imageThumbnail = async (image: Buffer, width = 32): Promise<{ jpegThumbnail: string; width: number; height: number } | undefined> => {
  try {
    const { Jimp } = await import("jimp");
    const img = await Jimp.read(image);
    const size = { width: img.width, height: img.height };
    const jpeg = await img.resize({ w: width }).getBuffer("image/jpeg", { quality: 50 });
    return { jpegThumbnail: jpeg.toString("base64"), ...size };
  } catch {
    return undefined;
  }
};

/** Test uploads: a PNG whose halves tell crops apart, and a File for the SDK. */
import sharp from 'sharp';

/** A w x h PNG, left half red, right half blue. */
export async function twoColourPng(w: number, h: number): Promise<Buffer> {
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(x < w / 2 ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

/** A File the SDK sends as a multipart upload. */
export const uploadFile = (data: Buffer | string, name: string): File => new File([typeof data === 'string' ? Buffer.from(data) : data], name);

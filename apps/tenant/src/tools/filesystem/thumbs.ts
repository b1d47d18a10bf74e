/**
 * Thumbnails with sharp (libvips), as PocketBase sizes them:
 * `WxH` crop to WxH from the centre, `WxHt` from the top, `WxHb` from the bottom, `WxHf`
 * fit inside WxH without cropping or enlarging, `0xH`/`Wx0` resize to that height/width
 * keeping the aspect ratio. Only the first frame of an animation is used; the image is
 * auto-oriented first. JPEG and GIF stay JPEG and GIF, everything else becomes PNG.
 * sharp is loaded on first use, so a tenant that never makes thumbs never pays for it.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Sharp, SharpOptions } from 'sharp';
import { randomString } from '../security/random.js';

/** A parsed thumb size. */
export interface ThumbSpec {
  width: number;
  height: number;
  /** '' crop centre, 't' crop top, 'b' crop bottom, 'f' fit. */
  mode: '' | 't' | 'b' | 'f';
}

const THUMB_RE = /^(\d{1,5})x(\d{1,5})(t|b|f)?$/;

/** Parses `WxH[t|b|f]`; undefined for anything else (including 0x0). */
export function parseThumbSize(size: string): ThumbSpec | undefined {
  const m = THUMB_RE.exec(size);
  if (!m) return undefined;
  const spec: ThumbSpec = { width: Number(m[1]), height: Number(m[2]), mode: (m[3] ?? '') as ThumbSpec['mode'] };
  if (spec.width === 0 && spec.height === 0) return undefined;
  return spec;
}

/** Images thumbs are made of (by detected type). */
export const THUMB_SOURCE_TYPES = new Set(['image/png', 'image/jpg', 'image/jpeg', 'image/gif', 'image/webp']);

type SharpFactory = (input: string, options?: SharpOptions) => Sharp;
let loading: Promise<SharpFactory> | undefined;

function loadSharp(): Promise<SharpFactory> {
  loading ??= import('sharp').then((m) => {
    // No libvips operation cache: thumbs are made once and stored, and the cache would keep
    // memory (and open files of deleted originals) around.
    m.default.cache(false);
    return m.default;
  });
  return loading;
}

/** Images larger than this many pixels are refused (decompression bombs). */
const MAX_INPUT_PIXELS = 100_000_000;

function pipeline(image: Sharp, spec: ThumbSpec): Sharp {
  const { width, height, mode } = spec;
  if (width === 0 || height === 0) {
    return image.resize({ width: width || undefined, height: height || undefined, kernel: 'linear' });
  }
  if (mode === 'f') return image.resize({ width, height, fit: 'inside', withoutEnlargement: true, kernel: 'linear' });
  const position = mode === 't' ? 'top' : mode === 'b' ? 'bottom' : 'centre';
  return image.resize({ width, height, fit: 'cover', position, kernel: 'linear' });
}

/**
 * Writes the thumb of the image at `source` to `dest` (written beside it under a temporary
 * name, then renamed, so a reader never sees half a thumb).
 */
export async function createThumb(source: string, dest: string, spec: ThumbSpec, sourceType: string): Promise<void> {
  const sharp = await loadSharp();
  let image = pipeline(sharp(source, { animated: false, limitInputPixels: MAX_INPUT_PIXELS }).rotate(), spec);
  if (sourceType === 'image/jpeg' || sourceType === 'image/jpg') image = image.jpeg({ quality: 90 });
  else if (sourceType === 'image/gif') image = image.gif();
  else image = image.png();
  mkdirSync(dirname(dest), { recursive: true });
  const temp = `${dest}.${randomString(8)}.tmp`;
  try {
    await image.toFile(temp);
    renameSync(temp, dest);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

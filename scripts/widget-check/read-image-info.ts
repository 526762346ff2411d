export interface ImageInfo {
  readonly format: 'png' | 'jpeg' | 'gif';
  readonly width: number;
  readonly height: number;
  readonly animated: boolean;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) * 2 ** 24 + ((b[at + 1] ?? 0) << 16) + ((b[at + 2] ?? 0) << 8) + (b[at + 3] ?? 0)) >>> 0;
}

function ascii(b: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...b.subarray(at, at + length));
}

/** PNG: IHDR gives the size; an acTL chunk before the image data marks an APNG. */
function readPng(b: Uint8Array): ImageInfo | null {
  if (ascii(b, 12, 4) !== 'IHDR') return null;
  let animated = false;
  for (let at = 8; at + 8 <= b.length; ) {
    const type = ascii(b, at + 4, 4);
    if (type === 'acTL') animated = true;
    if (type === 'IDAT' || type === 'IEND') break;
    at += 12 + u32(b, at);
  }
  return { format: 'png', width: u32(b, 16), height: u32(b, 20), animated };
}

/** GIF: the logical screen gives the size; more than one image descriptor means animation. */
function readGif(b: Uint8Array): ImageInfo | null {
  const width = (b[6] ?? 0) | ((b[7] ?? 0) << 8);
  const height = (b[8] ?? 0) | ((b[9] ?? 0) << 8);
  const flags = b[10] ?? 0;
  let at = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
  const skipSubBlocks = () => {
    while (at < b.length && b[at] !== 0) at += (b[at] ?? 0) + 1;
    at += 1;
  };
  let frames = 0;
  while (at < b.length) {
    const marker = b[at];
    if (marker === 0x3b) break;
    if (marker === 0x21) {
      at += 2;
      skipSubBlocks();
    } else if (marker === 0x2c) {
      frames += 1;
      const local = b[at + 9] ?? 0;
      at += 10 + (local & 0x80 ? 3 * 2 ** ((local & 7) + 1) : 0) + 1;
      skipSubBlocks();
    } else {
      return null;
    }
  }
  return { format: 'gif', width, height, animated: frames > 1 };
}

/** JPEG: the first start-of-frame marker carries the size. */
function readJpeg(b: Uint8Array): ImageInfo | null {
  for (let at = 2; at + 9 < b.length; ) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1] ?? 0;
    const length = ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = ((b[at + 5] ?? 0) << 8) | (b[at + 6] ?? 0);
      const width = ((b[at + 7] ?? 0) << 8) | (b[at + 8] ?? 0);
      return { format: 'jpeg', width, height, animated: false };
    }
    at += 2 + length;
  }
  return null;
}

/** Reads format, pixel size and animation from the bytes alone; null for anything else. */
export function readImageInfo(bytes: Uint8Array): ImageInfo | null {
  if (ascii(bytes, 1, 3) === 'PNG' && bytes[0] === 0x89) return readPng(bytes);
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return readGif(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return readJpeg(bytes);
  return null;
}

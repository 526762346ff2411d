import type { ManifestFiles } from './manifest-files';
import { readImageInfo } from './read-image-info';
import { type ArchiveFiles, type Violation, violation } from './violation';

/** Required logos and their exact sizes (integrations/structure.md). */
export const logoSizes: Readonly<Record<string, readonly [number, number]>> = {
  'images/logo.png': [130, 100],
  'images/logo_main.png': [400, 272],
  'images/logo_medium.png': [240, 84],
  'images/logo_min.png': [84, 84],
  'images/logo_small.png': [108, 108],
};

export const tourImageSize = [1188, 616] as const;
export const maxImageBytes = 300 * 1024;

const extensions = { png: ['.png'], jpeg: ['.jpg', '.jpeg'], gif: ['.gif'] } as const;

/** png/jpeg/gif only, not animated, at most 300 KB each, logos and tour images at their exact pixel sizes. */
export function checkImages(files: ArchiveFiles, listed: ManifestFiles): Violation[] {
  const found: Violation[] = [];
  const expected = new Map<string, readonly [number, number]>(Object.entries(logoSizes));
  for (const path of listed.tourImages) expected.set(path, tourImageSize);
  for (const [name, bytes] of files) {
    if (!name.startsWith('images/')) continue;
    const info = readImageInfo(bytes);
    if (info === null) {
      found.push(violation(name, 'images/format', 'is not a PNG, JPEG or GIF image'));
      continue;
    }
    if (!extensions[info.format].some((ext) => name.toLowerCase().endsWith(ext))) {
      found.push(violation(name, 'images/extension', `holds ${info.format} data under another extension`));
    }
    if (bytes.length > maxImageBytes) {
      found.push(violation(name, 'images/file-size', `is ${(bytes.length / 1024).toFixed(1)} KB; the limit is 300 KB`));
    }
    if (info.animated) found.push(violation(name, 'images/animated', 'is animated; the platform wants still images'));
    const size = expected.get(name);
    if (size !== undefined && (info.width !== size[0] || info.height !== size[1])) {
      found.push(
        violation(name, 'images/dimensions', `is ${info.width}x${info.height} px; it must be ${size[0]}x${size[1]}`),
      );
    }
  }
  return found;
}

import { embedMark } from './embed-mark';

export interface LogoBox {
  readonly width: number;
  readonly height: number;
}

/**
 * One logo file from the mark. Square files are the mark itself; wider ones add a light backdrop (main) or the
 * message lines of a conversation (medium), so each size reads as the same product. No text: logos are shared by
 * every locale.
 */
export function composeLogo(markSvg: string, { width, height }: LogoBox): string {
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`;
  if (width === height) return `${open}${embedMark(markSvg, 0, 0, width)}</svg>`;
  if (width / height > 2) {
    const size = height - 8;
    const lines = [0, 1, 2]
      .map((i) => {
        const y = 18 + i * 19;
        const w = [118, 92, 104][i] ?? 100;
        const fill = i === 1 ? '#12a386' : '#1f5bbf';
        return `<rect x="${size + 22}" y="${y}" width="${w}" height="11" rx="5.5" fill="${fill}" opacity="${i === 1 ? 0.9 : 0.75}"/>`;
      })
      .join('');
    return `${open}${embedMark(markSvg, 4, 4, size)}${lines}</svg>`;
  }
  if (width >= 300) {
    const size = Math.round(height * 0.72);
    const backdrop =
      '<defs><linearGradient id="backdrop" x1="0" y1="0" x2="1" y2="1">' +
      '<stop offset="0" stop-color="#e6f7f2"/><stop offset="1" stop-color="#e4ecfa"/></linearGradient></defs>' +
      `<rect width="${width}" height="${height}" rx="24" fill="url(#backdrop)"/>`;
    return `${open}${backdrop}${embedMark(markSvg, (width - size) / 2, (height - size) / 2, size)}</svg>`;
  }
  return `${open}${embedMark(markSvg, (width - height) / 2, 0, height)}</svg>`;
}

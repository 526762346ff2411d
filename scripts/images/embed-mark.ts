/** Places the logo mark (images/src/logo.svg) inside another SVG as a nested `<svg>` at the given box. */
export function embedMark(markSvg: string, x: number, y: number, size: number): string {
  const open = /<svg\b[^>]*>/.exec(markSvg);
  if (open === null) throw new Error('the logo source has no <svg> root');
  const viewBox = /viewBox="([^"]+)"/.exec(open[0])?.[1] ?? '0 0 100 100';
  const inner = markSvg.slice(open.index + open[0].length, markSvg.lastIndexOf('</svg>'));
  return `<svg x="${x}" y="${y}" width="${size}" height="${size}" viewBox="${viewBox}">${inner}</svg>`;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

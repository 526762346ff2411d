import { embedMark, escapeXml } from './embed-mark';
import { type TourSlide, tourSize, tourSlides } from './image-specs';

export interface TourText {
  readonly title: string;
  readonly text: string;
  /** The default channel name in this locale, shown in the sketched name field. */
  readonly channelName: string;
}

const font = 'font-family="DejaVu Sans"';
const textColumn = { x: 72, width: 520 };

/** Greedy word wrap by an average glyph width; DejaVu Sans runs about 0.6 em per character. */
export function wrapText(text: string, fontSize: number, maxWidth: number): string[] {
  const maxChars = Math.floor(maxWidth / (fontSize * 0.6));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (candidate.length > maxChars && line !== '') {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function field(x: number, y: number, w: number, content: string, mono = false): string {
  const family = mono ? 'font-family="DejaVu Sans Mono"' : font;
  return (
    `<rect x="${x}" y="${y}" width="${w}" height="48" rx="6" fill="#ffffff" stroke="#c5ccd6" stroke-width="2"/>` +
    `<text x="${x + 16}" y="${y + 31}" ${family} font-size="20" fill="#313942">${escapeXml(content)}</text>`
  );
}

function bar(x: number, y: number, w: number, fill = '#d8dee6'): string {
  return `<rect x="${x}" y="${y}" width="${w}" height="14" rx="7" fill="${fill}"/>`;
}

function button(x: number, y: number, w: number, fill: string): string {
  return `<rect x="${x}" y="${y}" width="${w}" height="48" rx="6" fill="${fill}"/>${bar(x + 24, y + 17, w - 48, '#ffffff')}`;
}

/** A sketch of the settings panel at each step; only language-neutral tokens (URLs, key prefixes) appear in it. */
function illustration(slide: TourSlide, channelName: string): string {
  const x = 660;
  const card = `<rect x="${x}" y="96" width="456" height="424" rx="16" fill="#ffffff" stroke="#d4dae2" stroke-width="2"/>`;
  if (slide === 1) {
    return (
      card +
      `<rect x="${x + 40}" y="150" width="36" height="36" rx="6" fill="#12a386"/>` +
      `<path d="M${x + 48} 168l8 8 14-16" fill="none" stroke="#ffffff" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"/>` +
      bar(x + 96, 152, 300) +
      bar(x + 96, 178, 240) +
      bar(x + 40, 240, 376) +
      bar(x + 40, 266, 320) +
      bar(x + 40, 292, 350) +
      button(x + 40, 420, 200, '#1f5bbf')
    );
  }
  if (slide === 2) {
    return (
      card +
      bar(x + 40, 140, 160, '#9aa5b1') +
      field(x + 40, 164, 376, channelName) +
      bar(x + 40, 250, 220, '#9aa5b1') +
      field(x + 40, 274, 376, 'https://messenger.example…') +
      `<rect x="${x + 40}" y="356" width="28" height="28" rx="5" fill="#ffffff" stroke="#c5ccd6" stroke-width="2"/>` +
      bar(x + 84, 363, 220) +
      button(x + 40, 420, 220, '#1f5bbf')
    );
  }
  const copy = (y: number) =>
    `<rect x="${x + 360}" y="${y}" width="56" height="48" rx="6" fill="#e6f7f2" stroke="#12a386" stroke-width="2"/>` +
    `<rect x="${x + 377}" y="${y + 12}" width="16" height="20" rx="3" fill="none" stroke="#12785f" stroke-width="3"/>` +
    `<rect x="${x + 383}" y="${y + 17}" width="16" height="20" rx="3" fill="#e6f7f2" stroke="#12785f" stroke-width="3"/>`;
  return (
    card +
    `<rect x="${x + 40}" y="136" width="376" height="56" rx="8" fill="#fff6dd" stroke="#f0c060" stroke-width="2"/>` +
    bar(x + 60, 157, 300, '#e0c27a') +
    bar(x + 40, 220, 120, '#9aa5b1') +
    field(x + 40, 244, 304, 'ak_live_3f9c…', true) +
    copy(244) +
    bar(x + 40, 320, 160, '#9aa5b1') +
    field(x + 40, 344, 304, 'ss_live_a71e…', true) +
    copy(344) +
    button(x + 40, 430, 200, '#12a386')
  );
}

/** One 1188x616 tour image: the mark, the step, the localised title and text, and a sketch of the panel. */
export function composeTour(markSvg: string, slide: TourSlide, copy: TourText): string {
  const { width, height } = tourSize;
  const titleLines = wrapText(copy.title, 44, textColumn.width);
  const textLines = wrapText(copy.text, 26, textColumn.width);
  const titleTop = 300;
  const textTop = titleTop + titleLines.length * 54 + 24;
  const tspans = (lines: string[], top: number, step: number) =>
    lines.map((line, i) => `<tspan x="${textColumn.x}" y="${top + i * step}">${escapeXml(line)}</tspan>`).join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    '<defs><linearGradient id="tour-bg" x1="0" y1="0" x2="1" y2="1">' +
    '<stop offset="0" stop-color="#eef9f6"/><stop offset="1" stop-color="#eaf0fb"/></linearGradient></defs>' +
    `<rect width="${width}" height="${height}" fill="url(#tour-bg)"/>` +
    embedMark(markSvg, textColumn.x, 72, 128) +
    `<text x="${textColumn.x + 156}" y="150" ${font} font-size="36" font-weight="bold" fill="#1f5bbf">${slide} / ${tourSlides.length}</text>` +
    `<text ${font} font-size="44" font-weight="bold" fill="#1d2630">${tspans(titleLines, titleTop, 54)}</text>` +
    `<text ${font} font-size="26" fill="#3b4652">${tspans(textLines, textTop, 36)}</text>` +
    illustration(slide, copy.channelName) +
    '</svg>'
  );
}

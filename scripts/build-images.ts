import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { composeLogo } from './images/compose-logo';
import { composeTour, type TourText } from './images/compose-tour';
import { logoSpecs, maxImageBytes, tourFile, tourSlides } from './images/image-specs';

/**
 * Renders every PNG of the archive's images/ from images/src/logo.svg (and, for the tour, the localised text in
 * i18n/). Fonts are pinned to DejaVu Sans files rather than whatever the system offers, so the same inputs give the
 * same bytes. Run: npx tsx scripts/build-images.ts (npm run images).
 */

export const fontFiles = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
];

export const imageLocales = ['ru', 'en', 'es', 'pt'] as const;

export function renderPng(svg: string): Buffer {
  const missing = fontFiles.filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`fonts missing (apt-get install fonts-dejavu-core): ${missing.join(', ')}`);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'original' },
    font: { fontFiles, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

function tourText(root: string, locale: string, slide: number): TourText {
  const langs = JSON.parse(readFileSync(join(root, 'i18n', `${locale}.json`), 'utf8')) as {
    tour: Record<string, string>;
    form: Record<string, string>;
  };
  const title = langs.tour[`slide_${slide}_title`];
  const text = langs.tour[`slide_${slide}_text`];
  const channelName = langs.form.title_default;
  if (title === undefined || text === undefined || channelName === undefined) {
    throw new Error(`i18n/${locale}.json lacks tour.slide_${slide}_* or form.title_default`);
  }
  return { title, text, channelName };
}

/** Every image file of the archive, rendered in memory: file name -> PNG bytes. */
export function renderAllImages(root: string): Map<string, Buffer> {
  const mark = readFileSync(join(root, 'images', 'src', 'logo.svg'), 'utf8');
  const images = new Map<string, Buffer>();
  for (const spec of logoSpecs) images.set(spec.file, renderPng(composeLogo(mark, spec)));
  for (const locale of imageLocales) {
    for (const slide of tourSlides) {
      images.set(tourFile(slide, locale), renderPng(composeTour(mark, slide, tourText(root, locale, slide))));
    }
  }
  return images;
}

function main() {
  const root = process.cwd();
  const outDir = join(root, 'images');
  mkdirSync(outDir, { recursive: true });
  for (const [file, png] of renderAllImages(root)) {
    if (png.length > maxImageBytes) throw new Error(`${file} is ${png.length} bytes, above the 300 KB limit`);
    writeFileSync(join(outDir, file), png);
    process.stdout.write(`images/${file}  ${(png.length / 1024).toFixed(1)} KB\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();

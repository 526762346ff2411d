import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fontFiles, renderAllImages } from '../../../scripts/build-images';
import { wrapText } from '../../../scripts/images/compose-tour';
import { readImageInfo } from '../../../scripts/widget-check/read-image-info';
import { repoRoot } from '../harness/built-widget';

const fontsPresent = fontFiles.every((file) => existsSync(file));

describe('build-images', () => {
  it.skipIf(!fontsPresent)(
    'regenerates every committed PNG byte for byte from images/src/logo.svg',
    () => {
      const rendered = renderAllImages(repoRoot);
      expect(rendered.size).toBe(17);
      for (const [file, png] of rendered) {
        expect(
          readFileSync(join(repoRoot, 'images', file)).equals(png),
          `images/${file} is stale; run npm run images`,
        ).toBe(true);
      }
    },
    60_000,
  );

  it.skipIf(!fontsPresent)(
    'renders real artwork: many colours, not a flat placeholder',
    () => {
      const logo = renderAllImages(repoRoot).get('logo_min.png')!;
      expect(readImageInfo(logo)).toEqual({ format: 'png', width: 84, height: 84, animated: false });
      expect(logo.length).toBeGreaterThan(2000);
    },
    60_000,
  );

  it('wraps tour text to the column width', () => {
    const lines = wrapText('one two three four five six seven eight nine ten', 26, 160);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.every((line) => line.length <= Math.floor(160 / (26 * 0.6)))).toBe(true);
    expect(lines.join(' ')).toBe('one two three four five six seven eight nine ten');
  });
});

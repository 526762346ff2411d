import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isArchivePath, openWidgetSource } from '../../../src/sandbox/amocrm-page/open-widget-source';
import { writeTestZip } from './page-harness';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const text = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));

describe('openWidgetSource', () => {
  it('accepts only plain archive paths', () => {
    expect(isArchivePath('script.js')).toBe(true);
    expect(isArchivePath('i18n/en.json')).toBe(true);
    for (const bad of [
      '',
      '/etc/passwd',
      '../manifest.json',
      'i18n/../../x',
      'a//b',
      '.env',
      'images/.hidden',
      'a\\b',
      'a\0b',
    ]) {
      expect(isArchivePath(bad), bad).toBe(false);
    }
  });

  it('reads a directory in the archive layout and nothing outside it', () => {
    const root = mkdtempSync(join(tmpdir(), 'widget-source-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, 'widget', 'i18n'), { recursive: true });
    writeFileSync(join(root, 'widget', 'i18n', 'en.json'), '{"a":1}');
    writeFileSync(join(root, 'outside.txt'), 'secret');
    const source = openWidgetSource({ dir: join(root, 'widget') });
    expect(text(source.read('i18n/en.json'))).toBe('{"a":1}');
    expect(source.read('../outside.txt')).toBeNull();
    expect(source.read('i18n')).toBeNull();
    expect(source.read('missing.js')).toBeNull();
  });

  it('unpacks a zip, answers null while the file is missing, and picks it up once it exists', () => {
    const zip = writeTestZip();
    cleanups.push(zip.cleanup);
    const source = openWidgetSource({ zip: `${zip.zipPath}.next` });
    expect(source.read('script.js')).toBeNull();
    writeFileSync(`${zip.zipPath}.next`, new Uint8Array(0));
    const real = openWidgetSource({ zip: zip.zipPath });
    expect(text(real.read('script.js'))).toContain("define(['jquery']");
    expect(real.read('../script.js')).toBeNull();
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectWidgetFiles, stylesheetSource, syncManifestVersion, zipWidget } from '../../../scripts/pack-widget';
import { allowedFiles } from '../../../scripts/widget-check/check-layout';
import { readManifestFiles } from '../../../scripts/widget-check/manifest-files';
import { readZip } from '../../../scripts/widget-check/read-zip';
import { repoRoot } from '../harness/built-widget';

describe('pack-widget', () => {
  const script = join(repoRoot, 'manifest.json');

  it('puts exactly the allowed files at the zip root, in a byte-identical archive every time', () => {
    const files = collectWidgetFiles(repoRoot, script);
    const zip = zipWidget(files);
    expect(Buffer.from(zipWidget(collectWidgetFiles(repoRoot, script))).equals(Buffer.from(zip))).toBe(true);
    const names = [...readZip(zip).keys()].sort();
    // the widget's script.js links style.css (widget/host/load-stylesheet.ts), so the archive carries it
    expect(names).toEqual([...allowedFiles(readManifestFiles(files), true)].sort());
    expect(names.some((name) => name.startsWith('images/src'))).toBe(false);
  });

  it('packs style.css at the root as written in the repository, readable for moderation', () => {
    const css = collectWidgetFiles(repoRoot, script).get('style.css');
    expect(Buffer.from(css ?? []).equals(readFileSync(join(repoRoot, stylesheetSource)))).toBe(true);
    expect(new TextDecoder().decode(css)).toContain('\n.channel-link-widget {\n');
  });

  it("takes the manifest's version from package.json", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const manifest = JSON.parse(new TextDecoder().decode(collectWidgetFiles(repoRoot, script).get('manifest.json')));
    expect(manifest.widget.version).toBe(pkg.version);
    const synced = syncManifestVersion('{"widget":{"version":"1.0.0","name":"widget.name"}}', '2.3.4');
    expect(synced).toBe('{\n  "widget": {\n    "version": "2.3.4",\n    "name": "widget.name"\n  }\n}\n');
  });

  it('keeps the repository manifest.json in step with package.json', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'manifest.json'), 'utf8'));
    expect(manifest.widget.version).toBe(pkg.version);
  });
});

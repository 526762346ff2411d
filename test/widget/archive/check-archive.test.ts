import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { widgetCssScope } from '../../../scripts/check-widget';
import { checkArchive } from '../../../scripts/widget-check/check-archive';
import { scriptGzipBudget } from '../../../scripts/widget-check/check-script';
import { buildWidget } from '../harness/built-widget';

let pristine: ReadonlyMap<string, Uint8Array>;
const version = '0.1.0';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

beforeAll(() => {
  pristine = buildWidget().files;
}, 120_000);

function check(mutate: (files: Map<string, Uint8Array>) => void = () => {}) {
  const files = new Map(pristine);
  mutate(files);
  return checkArchive(files, { expectedVersion: version, cssScope: widgetCssScope });
}

function rules(mutate: (files: Map<string, Uint8Array>) => void) {
  return check(mutate).violations.map((v) => `${v.file} ${v.rule}`);
}

function editText(files: Map<string, Uint8Array>, name: string, edit: (text: string) => string) {
  files.set(name, encoder.encode(edit(decoder.decode(files.get(name)))));
}

// biome-ignore lint/suspicious/noExplicitAny: the tests poke arbitrary paths of manifest and locale JSON
type Json = any;

function editJson(files: Map<string, Uint8Array>, name: string, edit: (json: Json) => void) {
  editText(files, name, (text) => {
    const json = JSON.parse(text);
    edit(json);
    return JSON.stringify(json, null, 2);
  });
}

/** A PNG of the given size, optionally with an acTL chunk (an APNG), built byte by byte. */
function png(width: number, height: number, animated = false): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    new DataView(out.buffer).setUint32(0, data.length);
    out.set(encoder.encode(type), 4);
    out.set(data, 8);
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (animated) parts.push(chunk('acTL', new Uint8Array(8)));
  parts.push(chunk('IDAT', deflateSync(new Uint8Array(height * (1 + width * 3)))), chunk('IEND', new Uint8Array()));
  return new Uint8Array(parts.flatMap((p) => [...p]));
}

describe('the archive check', () => {
  it('passes the freshly built widget.zip and measures script.js', () => {
    const report = check();
    expect(report.violations).toEqual([]);
    expect(report.script?.gzipBytes).toBeGreaterThan(10_000);
    expect(report.script?.gzipBytes).toBeLessThanOrEqual(scriptGzipBudget);
    expect(report.script?.vendorNotes).toEqual([]);
  });

  it('rejects files the widget does not use, a missing logo and a wrapping folder', () => {
    expect(rules((f) => f.set('README.md', encoder.encode('x')))).toEqual(['README.md archive/unexpected-file']);
    expect(rules((f) => f.delete('images/logo_min.png'))).toEqual(['images/logo_min.png archive/missing-file']);
    const wrapped = rules((f) => {
      for (const [name, data] of [...f]) {
        f.delete(name);
        f.set(`widget/${name}`, data);
      }
    });
    expect(wrapped).toContain('manifest.json archive/wrapped-in-folder');
  });

  it('rejects a BOM, CRLF line endings and invalid UTF-8', () => {
    expect(
      rules((f) => f.set('i18n/en.json', new Uint8Array([0xef, 0xbb, 0xbf, ...f.get('i18n/en.json')!]))),
    ).toContain('i18n/en.json text/bom');
    expect(rules((f) => editText(f, 'manifest.json', (t) => t.replace(/\n/g, '\r\n')))).toEqual([
      'manifest.json text/line-endings',
    ]);
    expect(rules((f) => f.set('script.js', new Uint8Array([...f.get('script.js')!, 0xc3, 0x28])))).toContain(
      'script.js text/utf8',
    );
  });

  it('checks the manifest schema, version sync and i18n references', () => {
    expect(rules((f) => editJson(f, 'manifest.json', (m) => (m.widget.interface_version = 1)))).toEqual([
      'manifest.json manifest/schema',
    ]);
    expect(rules((f) => editJson(f, 'manifest.json', (m) => (m.widget.version = '0.0.9')))).toEqual([
      'manifest.json manifest/version-sync',
    ]);
    expect(rules((f) => editJson(f, 'i18n/es.json', (l) => delete l.settings.channel_link)).sort()).toEqual([
      'i18n/es.json i18n/key-mismatch',
      'i18n/es.json manifest/i18n-key',
    ]);
    const twoCustom = rules((f) =>
      editJson(f, 'manifest.json', (m) => {
        m.settings.other = { name: 'settings.channel_link', type: 'custom', required: false };
      }),
    );
    expect(twoCustom).toEqual(['manifest.json manifest/custom-field']);
    expect(rules((f) => editJson(f, 'manifest.json', (m) => (m.widget.secret_key = 'x')))).toEqual([
      'manifest.json manifest/legacy-secret',
    ]);
  });

  it('rejects Cyrillic and .ru links outside ru.json', () => {
    expect(rules((f) => editJson(f, 'i18n/pt.json', (l) => (l.panel.title = 'Канал')))).toEqual([
      'i18n/pt.json i18n/cyrillic',
    ]);
    expect(rules((f) => editJson(f, 'i18n/en.json', (l) => (l.errors.support = 'see help.example.ru')))).toEqual([
      'i18n/en.json i18n/ru-domain',
    ]);
    expect(rules((f) => editJson(f, 'i18n/ru.json', (l) => (l.errors.support = 'Поддержка')))).toEqual([]);
  });

  it('checks image format, size, animation and exact dimensions', () => {
    expect(rules((f) => f.set('images/logo.png', png(131, 100)))).toEqual(['images/logo.png images/dimensions']);
    expect(rules((f) => f.set('images/tour_1_en.png', png(1188, 616, true)))).toEqual([
      'images/tour_1_en.png images/animated',
    ]);
    expect(rules((f) => f.set('images/logo_min.png', encoder.encode('<svg/>')))).toEqual([
      'images/logo_min.png images/format',
    ]);
    expect(
      rules((f) => f.set('images/logo_main.png', new Uint8Array([...png(400, 272), ...new Uint8Array(310_000)]))),
    ).toEqual(['images/logo_main.png images/file-size']);
  });

  it('rejects console use other than debug, and eval-like code in first-party modules only', () => {
    const inject =
      (code: string, where = '// widget/index.ts') =>
      (f: Map<string, Uint8Array>) =>
        editText(f, 'script.js', (t) => t.replace(where, `${where}\n${code}`));
    expect(rules(inject('console.log("x");'))).toEqual(['script.js script/console']);
    expect(rules(inject('console.debug("x");'))).toEqual([]);
    expect(rules(inject('var _jsxFileName = "/home/dev/widget/App.tsx";'))).toEqual(['script.js script/dev-build']);
    expect(rules(inject('var f = new Function("return 1");'))).toEqual(['script.js script/eval']);
    expect(rules(inject('document.head.appendChild(document.createElement("script"));'))).toEqual([
      'script.js script/eval',
    ]);
    const vendor = check(inject('var f = new Function("return 1");', '// node_modules/preact/dist/preact.mjs'));
    expect(vendor.violations).toEqual([]);
    expect(vendor.script?.vendorNotes).toHaveLength(1);
    expect(rules((f) => editText(f, 'script.js', (t) => t.replace(/^define\(/, 'window.x = (')))).toContain(
      'script.js script/amd',
    );
  });

  it('rejects minified first-party code and a script.js over the gzip budget', () => {
    expect(
      rules((f) =>
        editText(f, 'script.js', (t) =>
          t.replace('// widget/index.ts', `// widget/index.ts\nvar a=1;${'a+=1;'.repeat(100)}`),
        ),
      ),
    ).toEqual(['script.js script/minified']);
    const noise = Array.from({ length: 40_000 }, (_, i) => ((i * 2_654_435_761) % 2 ** 32).toString(36)).join('\n');
    expect(rules((f) => editText(f, 'script.js', (t) => `${t}/* ${noise} */\n`))).toEqual([
      'script.js script/size-budget',
    ]);
  });

  it('rejects global CSS selectors and redefined palette variables in style.css', () => {
    const css = (edit: (t: string) => string) => (f: Map<string, Uint8Array>) => editText(f, 'style.css', edit);
    expect(rules(css((t) => t.replace('.channel-link-widget .channel-link-widget__heading {', 'h3 {')))).toEqual([
      'style.css css/global-selector',
    ]);
    expect(
      rules(
        css((t) =>
          t.replace('--channel-link-text: var(--palette-text-primary, #313942);', '--palette-text-primary: red;'),
        ),
      ),
    ).toEqual(['style.css css/global-selector']);
  });

  it('still reads a stylesheet put back into script.js', () => {
    const planted = 'var sneaky = "h3 { color: red; }";';
    expect(
      rules((f) => editText(f, 'script.js', (t) => t.replace('// widget/index.ts', `// widget/index.ts\n${planted}`))),
    ).toEqual(['script.js css/global-selector']);
  });

  it('wants style.css exactly when script.js loads it', () => {
    expect(decoder.decode(pristine.get('script.js'))).toContain('style.css');
    expect(check().violations).toEqual([]);
    expect(rules((f) => f.delete('style.css'))).toEqual(['style.css archive/missing-file']);
    const unused = (f: Map<string, Uint8Array>) => editText(f, 'script.js', (t) => t.replaceAll('style.css', 'x.css'));
    expect(rules(unused)).toEqual(['style.css archive/unexpected-file']);
    // A comment that names the file loads nothing.
    const named = (f: Map<string, Uint8Array>) =>
      editText(
        f,
        'script.js',
        (t) => `${t.replaceAll('style.css', 'x.css')}\n// our style.css, <widget path>/style.css`,
      );
    expect(rules(named)).toEqual(['style.css archive/unexpected-file']);
    expect(
      rules((f) => {
        unused(f);
        f.delete('style.css');
      }),
    ).toEqual([]);
  });

  it('rejects secret-looking strings anywhere', () => {
    const leak = (text: string) => (f: Map<string, Uint8Array>) =>
      editText(f, 'script.js', (t) => t.replace('// widget/index.ts', `// widget/index.ts\n${text}`));
    // a random token barely compresses: near the gzip budget it also trips the size rule, which is not under test
    const secretRules = (mutate: (f: Map<string, Uint8Array>) => void) =>
      rules(mutate).filter((r) => r !== 'script.js script/size-budget');
    expect(secretRules(leak('var client_secret = "Zx9vQ2mL7pR4tY8wK1nB";'))).toEqual(['script.js secrets/leak']);
    expect(secretRules(leak('var k = "e2888047a01bc97aa250118c2fa518dba57a4034ccf16dca784dca292d89324f";'))).toEqual([
      'script.js secrets/leak',
    ]);
    expect(
      secretRules(leak('var t = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl";')),
    ).toEqual(['script.js secrets/leak']);
  });
});

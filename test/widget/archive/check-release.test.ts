import { describe, expect, it } from 'vitest';
import { checkRelease } from '../../../scripts/widget-check/check-release';

const encode = (text: string) => new TextEncoder().encode(text);

function files(backend: string, support: { link: string; email: string }) {
  return new Map([
    ['script.js', encode(`define(["jquery"], function ($) {\n\tcreate({\n\t\tbackendUrl: "${backend}",\n\t});\n});`)],
    ['manifest.json', encode(JSON.stringify({ widget: { support } }))],
  ]);
}

const own = { link: 'https://help.channel.io/amocrm', email: 'support@channel.io' };
const rules = (found: ReturnType<typeof checkRelease>) => found.map((v) => `${v.file} ${v.rule}`);

describe('checkRelease', () => {
  it('passes a public https backend with our own contacts', () => {
    expect(checkRelease(files('https://channel.io', own))).toEqual([]);
  });

  it.each([
    'http://127.0.0.1:8080',
    'http://channel.io',
    'https://127.0.0.1',
    'https://localhost:8443',
    'https://[::1]',
  ])('refuses the backend %s', (backend) => {
    expect(rules(checkRelease(files(backend, own)))).toEqual(['script.js release/backend']);
  });

  it('refuses the template’s placeholder contacts', () => {
    const found = checkRelease(
      files('https://channel.io', { link: 'https://example.com/help', email: 'a@example.org' }),
    );
    expect(found.map((v) => v.message)).toEqual([
      expect.stringContaining('widget.support.link'),
      expect.stringContaining('widget.support.email'),
    ]);
  });

  it('says so when the build did not put the backend where it is looked for', () => {
    const broken = new Map([['manifest.json', encode(JSON.stringify({ widget: { support: own } }))]]);
    expect(rules(checkRelease(broken))).toEqual(['script.js release/backend']);
  });
});

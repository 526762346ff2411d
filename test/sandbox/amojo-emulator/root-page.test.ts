import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL_ID, type Harness, startHarness } from './harness';

const packageVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const hrefs = (html: string) => [...html.matchAll(/<a href="([^"]*)"/g)].map((match) => match[1]);

describe('amojo emulator: the root page at the URL the sandbox prints', () => {
  let h: Harness | undefined;
  afterEach(() => h?.close());

  it('says what it is, its version and channel, and links the control API views', async () => {
    h = await startHarness();
    const res = await fetch(`${h.emulator.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('amojo emulator');
    expect(html).toContain(`<span data-testid="version">${packageVersion}</span>`);
    expect(html).toContain(CHANNEL_ID);
    expect(hrefs(html)).toEqual(
      expect.arrayContaining(['/_control/state', '/_control/connections', '/_control/chats', '/_control/hooks']),
    );
    // each link answers
    for (const href of hrefs(html)) expect((await fetch(`${h.emulator.url}${href}`)).status, href).toBe(200);
    expect(html).not.toContain('The sandbox');
  });

  it('links the sandbox pages it is given, escaped, and takes no misbehaviour unit', async () => {
    h = await startHarness({
      links: [
        { label: 'Backend', url: 'http://127.0.0.1:8080' },
        { label: '<b>x</b>', url: 'http://x/"y"' },
      ],
    });
    await fetch(`${h.emulator.url}/_control/misbehave`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 503, count: 1 }),
    });
    const html = await (await fetch(`${h.emulator.url}/?from=sandbox`)).text();
    expect(hrefs(html)).toContain('http://127.0.0.1:8080');
    expect(html).toContain('&#60;b&#62;x&#60;/b&#62;');
    expect(hrefs(html)).toContain('http://x/&#34;y&#34;');
    expect((await (await fetch(`${h.emulator.url}/_control/misbehave`)).json()) as unknown[]).toHaveLength(1);
    // amojo's own paths still answer as amojo does
    expect((await fetch(`${h.emulator.url}/v2/origin/custom/nope`)).status).not.toBe(200);
  });
});

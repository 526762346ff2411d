import { describe, expect, it } from 'vitest';
import { composeMessage, parseButtons } from '../../../src/sandbox/amocrm-page/browser/compose-message';

const base = { kind: 'text' as const, text: '', pictureUrl: '', buttons: '' };

describe('composeMessage', () => {
  it('builds a text message, trimmed', () => {
    expect(composeMessage({ ...base, text: '  Hello!  ' })).toEqual({
      ok: true,
      message: { type: 'text', text: 'Hello!' },
    });
  });

  it('refuses an empty text message, naming the reply box', () => {
    expect(composeMessage({ ...base, text: '   ' })).toEqual({
      ok: false,
      error: 'Write a message first.',
      field: 'text',
    });
  });

  it('builds a picture with an optional caption and inline buttons, one per row', () => {
    const composed = composeMessage({
      kind: 'picture',
      text: 'Your order',
      pictureUrl: 'http://127.0.0.1:9000/p.png',
      buttons: 'Accept, Site|https://example.com',
    });
    expect(composed).toEqual({
      ok: true,
      message: {
        type: 'picture',
        text: 'Your order',
        media: 'http://127.0.0.1:9000/p.png',
        thumbnail: 'http://127.0.0.1:9000/p.png',
        markup: { mode: 'inline', buttons: [[{ text: 'Accept' }], [{ text: 'Site', url: 'https://example.com' }]] },
      },
    });
  });

  it('refuses a picture without an http(s) URL and a button without a label', () => {
    expect(composeMessage({ ...base, kind: 'picture', pictureUrl: 'ftp://x/y.png' })).toMatchObject({
      ok: false,
      field: 'pictureUrl',
    });
    expect(composeMessage({ ...base, text: 'hi', buttons: '|https://example.com' })).toMatchObject({
      ok: false,
      field: 'buttons',
    });
  });

  it('parses button specs, skipping empty parts', () => {
    expect(parseButtons('Yes, ,No|  , Docs | https://example.com/docs')).toEqual([
      { text: 'Yes' },
      { text: 'No' },
      { text: 'Docs', url: 'https://example.com/docs' },
    ]);
  });
});

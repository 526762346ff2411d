import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import {
  editMessageContent,
  embeddedMessage,
  formatIssues,
  type MessageType,
  messageContent,
  messageType,
} from '../../../src/contracts/amojo';

const media = 'https://cdn.example.com/f/1';

/** One complete, valid content per type: each negative case below removes one required field from it. */
const valid: Record<MessageType, Record<string, unknown>> = {
  text: { type: 'text', text: 'Hello' },
  contact: { type: 'contact', contact: { name: 'Ann', phone: '+79991234567' } },
  file: { type: 'file', media, file_name: 'offer.pdf', file_size: 1024 },
  video: { type: 'video', media, file_name: 'clip.mp4', file_size: 2048, media_duration: 12 },
  picture: { type: 'picture', media, file_name: 'photo.jpg', file_size: 512, text: 'caption' },
  voice: { type: 'voice', media, media_duration: 3 },
  audio: { type: 'audio', media },
  sticker: { type: 'sticker', sticker_id: 'st-1' },
  location: { type: 'location', location: { lon: 37.61, lat: 55.75 } },
};

const required: Record<MessageType, string[]> = {
  text: ['text'],
  contact: ['contact'],
  file: ['media', 'file_name', 'file_size'],
  video: ['media', 'file_name', 'file_size'],
  picture: ['media', 'file_name', 'file_size'],
  voice: ['media'],
  audio: ['media'],
  sticker: [],
  location: ['location'],
};

function issues(schema: z.core.$ZodType, value: unknown) {
  const result = z.safeParse(schema, value);
  return result.success ? [] : formatIssues(result.error, value);
}

function without(value: Record<string, unknown>, field: string) {
  const { [field]: _dropped, ...rest } = value;
  return rest;
}

describe('messageContent', () => {
  it('covers exactly the nine documented types', () => {
    expect([...messageType.options].sort()).toEqual(Object.keys(valid).sort());
  });

  for (const type of messageType.options) {
    it(`accepts a complete ${type} message`, () => {
      expect(issues(messageContent, valid[type])).toEqual([]);
    });

    for (const field of required[type]) {
      it(`rejects ${type} without ${field}, naming payload.message.${field} in context`, () => {
        const found = issues(messageContent, without(valid[type], field));
        expect(found).toEqual([{ path: field, message: expect.stringContaining('required') }]);
      });
    }
  }

  it('needs media or sticker_id for a sticker', () => {
    expect(issues(messageContent, { type: 'sticker', media })).toEqual([]);
    expect(issues(messageContent, { type: 'sticker' })).toEqual([
      { path: 'media', message: 'type sticker needs media or sticker_id' },
    ]);
  });

  it('rejects empty or blank text for type text but allows empty text for media', () => {
    expect(issues(messageContent, { type: 'text', text: '' })[0]?.path).toBe('text');
    expect(issues(messageContent, { type: 'text', text: '   ' })[0]?.path).toBe('text');
    expect(issues(messageContent, { ...valid.audio, text: '' })).toEqual([]);
  });

  it('checks field types and ranges', () => {
    expect(issues(messageContent, { ...valid.file, file_size: 10.5 })).toEqual([
      { path: 'file_size', message: 'expected int, got number' },
    ]);
    expect(issues(messageContent, { ...valid.file, file_size: '1024' })[0]?.path).toBe('file_size');
    expect(issues(messageContent, { ...valid.file, media: 'ftp://host/file' })).toEqual([
      { path: 'media', message: 'invalid url' },
    ]);
    expect(issues(messageContent, { type: 'location', location: { lon: 181, lat: 0 } })[0]?.path).toBe('location.lon');
    expect(issues(messageContent, { type: 'location', location: { lon: 0, lat: -90.5 } })[0]?.path).toBe(
      'location.lat',
    );
    expect(issues(messageContent, { type: 'location', location: { lon: '1', lat: 2 } })[0]?.path).toBe('location.lon');
    expect(issues(messageContent, { type: 'contact', contact: { name: 'Ann' } })).toEqual([
      { path: 'contact.phone', message: 'required (string)' },
    ]);
  });

  it('rejects an unknown type, a missing type, unknown keys and nulls', () => {
    expect(issues(messageContent, { type: 'gif', text: 'x' })[0]?.path).toBe('type');
    expect(issues(messageContent, { text: 'x' })).toEqual([
      { path: 'type', message: expect.stringContaining('required') },
    ]);
    expect(issues(messageContent, { ...valid.text, caption: 'x' })).toEqual([
      { path: 'caption', message: 'unknown field' },
    ]);
    expect(issues(messageContent, { ...valid.text, media: null })).toEqual([
      { path: 'media', message: 'expected string, got null' },
    ]);
  });

  it('accepts the optional extras: callback_data, shared_post and a comment post', () => {
    const extras = {
      ...valid.text,
      callback_data: 'vG9ujre8N7',
      shared_post: { url: 'https://example.com/p/1', preview_permalink: 'https://example.com/p/1.png', type: 'post' },
      post: { id: 'post-1', url: 'https://example.com/p/1', username: 'author' },
    };
    expect(issues(messageContent, extras)).toEqual([]);
    expect(issues(messageContent, { ...extras, shared_post: { url: 'https://x.y', type: 'reel' } })[0]?.path).toBe(
      'shared_post.type',
    );
    expect(issues(messageContent, { ...extras, post: { id: 'post-1' } })).toEqual([
      { path: 'post.url', message: 'required (string)' },
    ]);
  });
});

describe('editMessageContent', () => {
  it('lets media fields be left out when the file is unchanged', () => {
    expect(issues(editMessageContent, { type: 'picture', text: 'new caption' })).toEqual([]);
    expect(issues(editMessageContent, { type: 'file' })).toEqual([]);
  });

  it('still needs what the message is: text, location, contact', () => {
    expect(issues(editMessageContent, { type: 'text' })[0]?.path).toBe('text');
    expect(issues(editMessageContent, { type: 'location' })[0]?.path).toBe('location');
    expect(issues(editMessageContent, { type: 'contact' })[0]?.path).toBe('contact');
  });

  it('carries a delivery_status with the error rules of the status endpoint', () => {
    const base = { type: 'text', text: 'x' };
    expect(issues(editMessageContent, { ...base, delivery_status: { status_code: 2 } })).toEqual([]);
    expect(issues(editMessageContent, { ...base, delivery_status: { status_code: -1 } })).toEqual([
      { path: 'delivery_status.error_code', message: 'required when the status is -1 (error)' },
    ]);
    expect(issues(editMessageContent, { ...base, delivery_status: { status_code: -1, error_code: 905 } })).toEqual([
      { path: 'delivery_status.error', message: 'error code 905 needs a non-empty error text' },
    ]);
    expect(issues(messageContent, { ...base, delivery_status: { status_code: 1 } })).toEqual([
      { path: 'delivery_status', message: 'unknown field' },
    ]);
  });
});

describe('embeddedMessage', () => {
  it('accepts a bare reference by amojo id or by our msgid', () => {
    expect(issues(embeddedMessage, { id: '90e985eb-3e5d-426e-bd62-1eb78ef6db67' })).toEqual([]);
    expect(issues(embeddedMessage, { msgid: 'ours-1' })).toEqual([]);
  });

  it('accepts a full inline message and names what an inline one lacks', () => {
    const inline = {
      type: 'text',
      text: 'quoted',
      timestamp: 1639604761,
      msec_timestamp: 1639604761694,
      sender: { name: 'Ann' },
    };
    expect(issues(embeddedMessage, inline)).toEqual([]);
    expect(issues(embeddedMessage, { type: 'text', text: 'quoted' }).map((i) => i.path)).toEqual([
      'timestamp',
      'msec_timestamp',
      'sender',
    ]);
    expect(issues(embeddedMessage, { ...inline, text: '' })[0]?.path).toBe('text');
    expect(issues(embeddedMessage, { ...without(inline, 'text'), type: 'location' })[0]?.path).toBe('location');
    expect(issues(embeddedMessage, { ...inline, sender: {} })).toEqual([
      { path: 'sender', message: 'needs id, ref_id or name' },
    ]);
    expect(issues(embeddedMessage, { ...inline, media: 'https://x.y/z' })).toEqual([
      { path: 'media', message: 'unknown field' },
    ]);
  });
});

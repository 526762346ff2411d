export interface InlineButton {
  readonly text: string;
  readonly url?: string;
}

/** A manager message in the hook's field names (what the emulator's sendMessage takes). */
export interface ManagerMessage {
  readonly type: 'text' | 'picture';
  readonly text?: string;
  readonly media?: string;
  readonly thumbnail?: string;
  readonly markup?: { readonly mode: 'inline'; readonly buttons: readonly (readonly InlineButton[])[] };
}

export interface ComposerFields {
  readonly kind: 'text' | 'picture';
  readonly text: string;
  readonly pictureUrl: string;
  /** `Yes, No, Site|https://example.com`: comma-separated labels, `label|url` for a link button. */
  readonly buttons: string;
}

/** The composer field a problem is about, so the page can show it beside that field. */
export type ComposerField = 'text' | 'pictureUrl' | 'buttons';

export type Composed =
  | { readonly ok: true; readonly message: ManagerMessage }
  | { readonly ok: false; readonly error: string; readonly field: ComposerField };

export function parseButtons(spec: string): InlineButton[] {
  return spec
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const bar = part.indexOf('|');
      if (bar === -1) return { text: part };
      const text = part.slice(0, bar).trim();
      const url = part.slice(bar + 1).trim();
      return url === '' ? { text } : { text, url };
    });
}

/** Turns the composer's fields into a manager message; each button gets its own row, as chat keyboards show them. */
export function composeMessage(fields: ComposerFields): Composed {
  const text = fields.text.trim();
  const buttons = parseButtons(fields.buttons);
  if (buttons.some((button) => button.text === '')) {
    return { ok: false, error: 'Every button needs a label.', field: 'buttons' };
  }
  const markup = buttons.length === 0 ? {} : { markup: { mode: 'inline' as const, buttons: buttons.map((b) => [b]) } };
  if (fields.kind === 'picture') {
    const media = fields.pictureUrl.trim();
    if (!/^https?:\/\/\S+$/.test(media)) {
      return { ok: false, error: 'Enter the picture URL (http or https).', field: 'pictureUrl' };
    }
    return {
      ok: true,
      message: { type: 'picture', media, thumbnail: media, ...(text === '' ? {} : { text }), ...markup },
    };
  }
  if (text === '') return { ok: false, error: 'Write a message first.', field: 'text' };
  return { ok: true, message: { type: 'text', text, ...markup } };
}

import type { MessageContent } from './emulator-types';

/** Fields of a request's `message` that describe a delivery status rather than content. */
const NOT_CONTENT = new Set(['delivery_status']);

/** Copies a request's `message` object into stored content, dropping absent fields. */
export function toMessageContent(message: {
  readonly type: string;
  readonly text?: string | undefined;
}): MessageContent {
  const content: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(message)) {
    if (value !== undefined && !NOT_CONTENT.has(field)) content[field] = value;
  }
  return { ...content, type: message.type, text: message.text ?? '' };
}

/** Applies an edit: fields sent replace stored ones; media fields may be omitted when the file is unchanged. */
export function mergeMessageContent(
  previous: MessageContent,
  edit: { readonly type: string; readonly text?: string | undefined },
): MessageContent {
  const next = toMessageContent(edit);
  return { ...previous, ...next, text: edit.text ?? previous.text };
}

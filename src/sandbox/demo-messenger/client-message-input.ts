import { z } from 'zod/mini';
import type { BridgeMessageContent } from '../../contracts/bridge';

/**
 * What the page sends to `POST /api/conversations/:id/messages`. Pictures are the messenger's own sample images,
 * so the link is one amoCRM can download and the byte size (which the bridge needs) is known.
 */
export const clientMessageInput = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string(), callback_data: z.optional(z.string()) }),
  z.strictObject({ type: z.literal('picture'), sample: z.string(), caption: z.optional(z.string()) }),
  z.strictObject({ type: z.literal('location'), lat: z.number(), lon: z.number() }),
]);

export type ClientMessageInput = z.infer<typeof clientMessageInput>;

export interface SampleMedia {
  name: string;
  url: string;
  size: number;
}

/** The bridge content for a page input; undefined when it names a sample image this messenger does not have. */
export function clientMessageContent(
  input: ClientMessageInput,
  sample: (name: string) => SampleMedia | undefined,
): BridgeMessageContent | undefined {
  switch (input.type) {
    case 'text':
      return input.callback_data === undefined
        ? { type: 'text', text: input.text }
        : { type: 'text', text: input.text, callback_data: input.callback_data };
    case 'picture': {
      const media = sample(input.sample);
      if (media === undefined) return undefined;
      const content: BridgeMessageContent = {
        type: 'picture',
        url: media.url,
        file_name: media.name,
        file_size: media.size,
      };
      if (input.caption !== undefined && input.caption.trim() !== '') content.caption = input.caption;
      return content;
    }
    case 'location':
      return { type: 'location', lat: input.lat, lon: input.lon };
  }
}

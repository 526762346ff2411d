import type { MessageHook } from '../contracts/amojo';
import type { MediaMirror } from '../media/create-media-mirror';
import { normalizeAmojoId } from '../store/normalize-amojo-id';

/**
 * The hook with its file and thumbnail links swapped for our mirrored copies (createMediaMirror). `seed` names the
 * delivery, so a retry reuses the copies. Quoted and forwarded messages keep amoCRM's links: they point at files
 * the messenger was sent before.
 */
export async function mirrorHookMedia<W extends { hook: MessageHook }>(
  mirror: MediaMirror,
  webhook: W,
  seed: string,
): Promise<W> {
  const content = webhook.hook.message.message;
  const fileName = content.file_name === undefined || content.file_name === '' ? undefined : content.file_name;
  // The file counts against the quota of the account whose manager sent it.
  const account = normalizeAmojoId(webhook.hook.account_id);
  const media = content.media ? await mirror(content.media, `${seed}:media`, fileName, account) : content.media;
  const thumbnail = content.thumbnail
    ? await mirror(content.thumbnail, `${seed}:thumbnail`, undefined, account)
    : content.thumbnail;
  if (media === content.media && thumbnail === content.thumbnail) return webhook;
  const message = { ...webhook.hook.message, message: { ...content, media, thumbnail } };
  return { ...webhook, hook: { ...webhook.hook, message } };
}

/** How amojo names a message in reply_to, forwards and react: by our `msgid` or by its own `id`. */
export type AmojoMessageRef = { msgid: string } | { id: string };

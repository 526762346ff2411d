/**
 * The context `links.signing_secret_enc` is sealed under: it binds the value to its account, so a sealed value
 * copied onto another link fails to open there. Kept in the store beside the column, since resealing needs it too.
 */
export function linkSecretContext(accountId: number): string {
  return `link:${accountId}`;
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type SecretBoxErrorCode = 'bad_key' | 'malformed' | 'unsupported_version' | 'tampered';

/** Never carries key or plaintext material, so it is safe to log. */
export class SecretBoxError extends Error {
  readonly code: SecretBoxErrorCode;
  constructor(code: SecretBoxErrorCode) {
    super(`secret box: ${code.replace('_', ' ')}`);
    this.name = 'SecretBoxError';
    this.code = code;
  }
}

export interface SecretBox {
  /**
   * AES-256-GCM with a fresh random 12-byte IV: `v1.<iv>.<ciphertext>.<tag>`, each part base64url. `context`
   * (for example the owning row's id) is authenticated but not stored, so a sealed value copied onto another
   * row fails to open there.
   */
  seal(plaintext: string, context?: string): string;
  /** Throws SecretBoxError when the value was altered, sealed with another key or for another context. */
  open(sealed: string, context?: string): string;
}

/** `DATA_ENCRYPTION_KEY`: standard base64 of exactly 32 random bytes (`openssl rand -base64 32`). */
export function parseEncryptionKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  // Buffer.from ignores junk characters; a round trip catches a truncated or mistyped key.
  if (key.length !== 32 || key.toString('base64') !== base64.trim()) throw new SecretBoxError('bad_key');
  return key;
}

export function createSecretBox(keyBase64: string): SecretBox {
  const key = parseEncryptionKey(keyBase64);
  return {
    seal(plaintext, context = '') {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url'));
      return [VERSION, ...parts].join('.');
    },
    open(sealed, context = '') {
      const parts = sealed.split('.');
      if (parts.length !== 4) throw new SecretBoxError('malformed');
      const [version, ivText, ciphertextText, tagText] = parts as [string, string, string, string];
      if (version !== VERSION) throw new SecretBoxError('unsupported_version');
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError('malformed');
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      try {
        const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]);
        return plaintext.toString('utf8');
      } catch {
        throw new SecretBoxError('tampered');
      }
    },
  };
}

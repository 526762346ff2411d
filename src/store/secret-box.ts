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

/**
 * Seals with `keyBase64` (DATA_ENCRYPTION_KEY). With `previousKeyBase64` (DATA_ENCRYPTION_KEY_PREVIOUS) it also opens
 * values sealed under the previous key, current key first, during a rotation: `npm run reseal` then moves every
 * sealed value to the current key, after which the previous one can go. Values carry no key id, so a value under the
 * previous key costs one failed decryption more to open.
 */
export function createSecretBox(keyBase64: string, previousKeyBase64?: string): SecretBox {
  const current = createSingleKeyBox(parseEncryptionKey(keyBase64));
  if (previousKeyBase64 === undefined) return current;
  const previous = createSingleKeyBox(parseEncryptionKey(previousKeyBase64));
  return {
    seal: current.seal,
    open(sealed, context) {
      try {
        return current.open(sealed, context);
      } catch (error) {
        // Only a failed authentication can mean "the other key"; a malformed value is malformed under both.
        if (!(error instanceof SecretBoxError && error.code === 'tampered')) throw error;
        return previous.open(sealed, context);
      }
    },
  };
}

function createSingleKeyBox(key: Buffer): SecretBox {
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

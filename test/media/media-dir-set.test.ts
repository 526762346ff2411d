import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';

// start-backend.ts keeps media in the database only on PostgreSQL with MEDIA_DIR unset, so the config must tell an
// operator's MEDIA_DIR from the default one, even when the operator wrote the default path.
describe('config: MEDIA_DIR set or defaulted', () => {
  const base = { SANDBOX: '1', DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' };

  it('reports the default as not set', () => {
    expect(loadConfig(base)).toMatchObject({ media: { dir: './data/media' }, mediaDirSet: false });
  });

  it('reports MEDIA_DIR as set, the default path included', () => {
    expect(loadConfig({ ...base, MEDIA_DIR: '/srv/media' })).toMatchObject({
      media: { dir: '/srv/media' },
      mediaDirSet: true,
    });
    expect(loadConfig({ ...base, MEDIA_DIR: './data/media' }).mediaDirSet).toBe(true);
  });

  it('treats an empty MEDIA_DIR as unset, like every other empty variable', () => {
    expect(loadConfig({ ...base, MEDIA_DIR: '  ' })).toMatchObject({
      media: { dir: './data/media' },
      mediaDirSet: false,
    });
  });
});

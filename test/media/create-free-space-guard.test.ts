import { describe, expect, it } from 'vitest';
import { createFreeSpaceGuard, type StatFs } from '../../src/media/create-free-space-guard';

const GiB = 1024 ** 3;

/** A filesystem of `total` bytes with `free` available, counting how often it was asked. */
function disk(total: number, free: number) {
  const state = { total, free, calls: 0, paths: [] as string[] };
  const statfs: StatFs = async (path) => {
    state.calls += 1;
    state.paths.push(path);
    return { bsize: 4096, blocks: state.total / 4096, bavail: state.free / 4096 };
  };
  return { state, statfs };
}

describe('createFreeSpaceGuard', () => {
  it('keeps 1 GiB free on a small disk, and 5% on a large one', async () => {
    const small = disk(10 * GiB, 1 * GiB + 8192);
    const smallGuard = createFreeSpaceGuard({ dir: '/data/media', statfs: small.statfs });
    expect(await smallGuard.admit(4096)).toBeTypeOf('function');
    expect(await smallGuard.admit(8192)).toBeNull();

    const large = disk(1000 * GiB, 50 * GiB + 4096);
    const largeGuard = createFreeSpaceGuard({ dir: '/data/media', statfs: large.statfs });
    expect(await largeGuard.admit(4096)).toBeTypeOf('function');
    expect(await largeGuard.admit(4096)).toBeNull();
  });

  it('uses MEDIA_MIN_FREE_BYTES alone when it is set', async () => {
    const { statfs } = disk(1000 * GiB, 2 * GiB);
    const guard = createFreeSpaceGuard({ dir: '/data/media', statfs, minFreeBytes: GiB });
    expect(await guard.admit(GiB)).toBeTypeOf('function');
    expect(await guard.admit(1)).toBeNull();
  });

  it('asks statfs at most once per cache period, counting the downloads admitted meanwhile', async () => {
    let clock = 0;
    const full = disk(10 * GiB, GiB + 100 * 4096);
    const guard = createFreeSpaceGuard({ dir: '/data/media', statfs: full.statfs, now: () => clock });
    const releases = [];
    for (let i = 0; i < 100; i += 1) releases.push(await guard.admit(4096));
    expect(releases.every((r) => typeof r === 'function')).toBe(true);
    expect(await guard.admit(4096)).toBeNull();
    expect(full.state.calls).toBe(1);
    // A download that ended gives its share back; the disk is measured again only after the cache period.
    releases[0]?.();
    expect(await guard.admit(4096)).toBeTypeOf('function');
    clock = 5000;
    full.state.free = 20 * GiB;
    expect(await guard.admit(GiB)).toBeTypeOf('function');
    expect(full.state.calls).toBe(2);
  });

  it('measures the nearest existing parent while MEDIA_DIR does not exist yet', async () => {
    const { state, statfs } = disk(10 * GiB, 5 * GiB);
    const guard = createFreeSpaceGuard({
      dir: '/data/media',
      statfs: async (path) => {
        if (path !== '/data') throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return statfs(path);
      },
    });
    expect(await guard.admit(1)).toBeTypeOf('function');
    expect(state.paths).toEqual(['/data']);
  });

  it('reads the real filesystem through fs.statfs by default', async () => {
    const guard = createFreeSpaceGuard({ dir: process.cwd(), minFreeBytes: 1 });
    expect(await guard.admit(1)).toBeTypeOf('function');
  });
});

import { expect, it } from 'vitest';
import { findLinkByAmojoId } from '../../../src/store/links-repo';
import { lowerCaseAmojoIds } from '../../../src/store/migrations/lower-case-amojo-ids';
import { linkInput, seedLink } from '../helpers/seed-link';
import { describeEachDatabase } from '../helpers/test-databases';

const ID = 'af9945ff-1490-4cad-807d-945c15d88bec';

describeEachDatabase('migration 0002: amojo ids in lower case', (t) => {
  /** An account as an older release stored it: the amojo id spelled as the widget sent it. */
  async function legacyAccount(amojoId: string, createdAt: number) {
    const input = linkInput();
    const link = await seedLink(t.db, input);
    await t.db.updateTable('accounts').set({ amojoId, createdAt }).where('accountId', '=', input.accountId).execute();
    return link.accountId;
  }
  const spellings = async () =>
    Object.fromEntries(
      (await t.db.selectFrom('accounts').select(['accountId', 'amojoId']).execute()).map((r) => [
        r.accountId,
        r.amojoId,
      ]),
    );
  const migrate = () => lowerCaseAmojoIds.up(t.db.withoutPlugins());

  it('lower-cases stored amojo ids, so a lookup in any case finds them', async () => {
    const upper = await legacyAccount(ID.toUpperCase(), 1);
    const lower = await legacyAccount('00000000-0000-4000-8000-00000000000a', 2);
    await migrate();
    expect(await spellings()).toEqual({ [upper]: ID, [lower]: '00000000-0000-4000-8000-00000000000a' });
    expect((await findLinkByAmojoId(t.db, ID.toUpperCase()))?.accountId).toBe(upper);
  });

  it('gives twins that differ only in case to the first bound account, or to the one already in lower case', async () => {
    const later = await legacyAccount('AF9945FF-1490-4CAD-807D-945C15D88BEC', 20);
    const first = await legacyAccount('Af9945ff-1490-4cad-807d-945c15d88bec', 10);
    const other = 'b0000000-0000-4000-8000-00000000000b';
    const lowerAlready = await legacyAccount(other, 30);
    const earlierButUpper = await legacyAccount(other.toUpperCase(), 5);
    await migrate();
    expect(await spellings()).toEqual({
      [first]: ID,
      [later]: 'AF9945FF-1490-4CAD-807D-945C15D88BEC',
      [lowerAlready]: other,
      [earlierButUpper]: other.toUpperCase(),
    });
    // Every lookup, in any case, finds the winner; the other keeps its rows but can no longer claim the id.
    expect((await findLinkByAmojoId(t.db, ID.toUpperCase()))?.accountId).toBe(first);
    expect((await findLinkByAmojoId(t.db, other.toUpperCase()))?.accountId).toBe(lowerAlready);
    await migrate();
    expect(await spellings()).toMatchObject({ [first]: ID, [later]: 'AF9945FF-1490-4CAD-807D-945C15D88BEC' });
  });
});

import { expect, it } from 'vitest';
import {
  bindParticipant,
  ensureParticipant,
  ensureParticipantByAmojoUser,
  findParticipantByAmojoUserId,
  findParticipantByClientId,
} from '../../src/store/participants-repo';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

describeEachDatabase('participants repo', (t) => {
  it('creates a participant once per client id and once per amojo user id', async () => {
    const link = await seedLink(t.db);
    const a = await ensureParticipant(t.db, { linkId: link.id, clientId: 'client-1', name: 'Ann' }, T0);
    const a2 = await ensureParticipant(t.db, { linkId: link.id, clientId: 'client-1', name: 'Other' }, T0);
    expect(a.created).toBe(true);
    expect(a2).toEqual({ created: false, participant: a.participant });
    const b = await ensureParticipantByAmojoUser(t.db, { linkId: link.id, amojoUserId: 'amojo-u', phone: '+1' }, T0);
    const b2 = await ensureParticipantByAmojoUser(t.db, { linkId: link.id, amojoUserId: 'amojo-u' }, T0);
    expect(b2).toEqual({ created: false, participant: b.participant });
  });

  it('binds the missing id of a participant, refusing an id another participant holds', async () => {
    const link = await seedLink(t.db);
    const { participant } = await ensureParticipantByAmojoUser(t.db, { linkId: link.id, amojoUserId: 'ref-1' }, T0);
    expect(await bindParticipant(t.db, participant.id, { clientId: 'client-7' }, T0)).toBe('bound');
    expect((await findParticipantByClientId(t.db, link.id, 'client-7'))?.id).toBe(participant.id);
    expect(await bindParticipant(t.db, participant.id, { clientId: 'client-8' }, T0)).toBe('already_bound');

    const other = await ensureParticipant(t.db, { linkId: link.id, clientId: 'client-9' }, T0);
    expect(await bindParticipant(t.db, other.participant.id, { amojoUserId: 'ref-1' }, T0)).toBe('conflict');
    expect(await bindParticipant(t.db, other.participant.id, { amojoUserId: 'ref-2' }, T0)).toBe('bound');
    expect((await findParticipantByAmojoUserId(t.db, link.id, 'ref-2'))?.clientId).toBe('client-9');
    expect(await bindParticipant(t.db, 'missing', { clientId: 'x' }, T0)).toBe('not_found');
  });
});

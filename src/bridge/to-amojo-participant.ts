import type { Participant } from '../contracts/amojo';
import type { BridgeSender } from '../contracts/bridge';

/** The messenger's user as amojo's sender/receiver; the messenger's user id is our `id` there. */
export function toAmojoParticipant(sender: BridgeSender): Participant {
  const profile = {
    ...(sender.phone === undefined ? {} : { phone: sender.phone }),
    ...(sender.email === undefined ? {} : { email: sender.email }),
  };
  return {
    id: sender.id,
    name: sender.name,
    ...(sender.avatar === undefined ? {} : { avatar: sender.avatar }),
    ...(Object.keys(profile).length === 0 ? {} : { profile }),
    ...(sender.profile_link === undefined ? {} : { profile_link: sender.profile_link }),
  };
}

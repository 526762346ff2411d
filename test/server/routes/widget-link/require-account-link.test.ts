import { expect, it } from 'vitest';
import { AppError } from '../../../../src/http/app-error';
import { requireAccountLink } from '../../../../src/server/routes/widget-link/require-account-link';
import { seedLink } from '../../../store/helpers/seed-link';
import { describeEachDatabase } from '../../../store/helpers/test-databases';

const notFound = (promise: Promise<unknown>) =>
  expect(promise).rejects.toSatisfy((error) => error instanceof AppError && error.code === 'link_not_found');

// PostgreSQL refuses a NUL in a text parameter with an error, which the routes would answer with a 500.
describeEachDatabase('requireAccountLink', (t) => {
  it('answers link_not_found for an id no link can have, NUL included', async () => {
    const link = await seedLink(t.db);
    for (const id of ['a\u0000b', 'x'.repeat(37), 'été', 'with space', '']) {
      await notFound(requireAccountLink({ db: t.db }, link.accountId, id));
    }
    await expect(requireAccountLink({ db: t.db }, link.accountId, link.id)).resolves.toMatchObject({ id: link.id });
  });
});

it('asks the store nothing for an id of the wrong shape', async () => {
  const db = new Proxy(
    {},
    {
      get() {
        throw new Error('the store was asked');
      },
    },
  );
  await notFound(requireAccountLink({ db: db as never }, 1, 'a\u0000b'));
});

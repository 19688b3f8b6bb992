import { type EventStore, InMemoryEventStore } from '@custodia/event-store';
import { userStreamId } from './identity.events';
import { UserRepository } from './user.repository';

const metadata = { actorId: 'root', correlationId: 'corr-7', now: '2026-03-01T09:00:00.000Z' };

describe(UserRepository.name, () => {
  let store: EventStore;
  let sut: UserRepository;

  beforeEach(async () => {
    store = new InMemoryEventStore();
    sut = new UserRepository(store);
    await sut.execute({
      type: 'RegisterUser',
      data: { userId: 'li', displayName: '李雷', roles: ['sales'], team: 'east' },
      metadata,
    });
  });

  it('appends to User-<id> with actor, correlation id and time in the metadata', async () => {
    const [event] = await store.readStream(userStreamId('li'));
    expect(event).toMatchObject({ type: 'UserRegistered', revision: 0, metadata });
  });

  it('folds the stream into the current state', async () => {
    await sut.execute({ type: 'ChangeUserTeam', data: { userId: 'li', team: 'north' }, metadata });
    const loaded = await sut.load('li');
    expect(loaded).toMatchObject({ revision: 1, state: { team: 'north', roles: ['sales'] } });
    expect(await sut.load('nobody')).toEqual({ state: null, revision: undefined });
  });

  it('decides again on fresh state when a concurrent writer wins the revision', async () => {
    await Promise.all([
      sut.execute({ type: 'ChangeUserTeam', data: { userId: 'li', team: 'north' }, metadata }),
      sut.execute({
        type: 'ChangeUserRoles',
        data: { userId: 'li', roles: ['sales_manager'] },
        metadata,
      }),
    ]);
    const events = await store.readStream(userStreamId('li'));
    expect(events.map((event) => event.revision)).toEqual([0, 1, 2]);
    expect((await sut.load('li')).state).toMatchObject({ team: 'north', roles: ['sales_manager'] });
  });

  it('runs the check on the state it decides on, and appends nothing when it refuses', async () => {
    const refuse = (): never => {
      throw new Error('not allowed');
    };
    await expect(
      sut.execute({ type: 'GiveOffboardingNotice', data: { userId: 'li' }, metadata }, refuse),
    ).rejects.toThrow('not allowed');
    expect(await store.readStream(userStreamId('li'))).toHaveLength(1);
  });
});

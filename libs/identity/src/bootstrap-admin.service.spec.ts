import { InMemoryEventStore } from '@custodia/event-store';
import type { Clock } from '@custodia/platform';
import { BootstrapAdminService } from './bootstrap-admin.service';
import type { UserCommand } from './identity.commands';
import { userStreamId } from './identity.events';
import { UserRepository } from './user.repository';

const clock: Clock = { now: () => new Date('2026-03-01T09:00:00Z') };
const metadata = { actorId: 'someone', now: '2026-03-01T08:00:00.000Z' };

describe(BootstrapAdminService.name, () => {
  let store: InMemoryEventStore;
  let users: UserRepository;
  let sut: BootstrapAdminService;

  const run = (command: UserCommand) => users.execute(command);
  const register = (userId: string, roles: string[]) =>
    run({
      type: 'RegisterUser',
      data: { userId, displayName: 'Name', roles, team: null },
      metadata,
    });

  beforeEach(() => {
    store = new InMemoryEventStore(clock);
    users = new UserRepository(store);
    sut = new BootstrapAdminService(users, store, clock);
  });

  it('registers the admin once, however many instances start at the same moment', async () => {
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => sut.ensure('root')));
    expect(outcomes.filter((outcome) => outcome === 'registered')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'exists')).toHaveLength(9);
    const events = await store.readStream(userStreamId('root'));
    expect(events.map((event) => event.data)).toEqual([
      { userId: 'root', displayName: 'Administrator', roles: ['admin'], team: null },
    ]);
  });

  it('does nothing on a restart', async () => {
    await sut.ensure('root');
    expect(await sut.ensure('root')).toBe('exists');
    expect(await store.readStream(userStreamId('root'))).toHaveLength(1);
  });

  it('does nothing when another user is an active admin', async () => {
    await register('boss', ['admin']);
    expect(await sut.ensure('root')).toBe('other-admin');
    expect(await store.readStream(userStreamId('root'))).toEqual([]);
  });

  it('creates the admin when the only admin has left', async () => {
    await register('boss', ['admin']);
    await run({ type: 'GiveOffboardingNotice', data: { userId: 'boss' }, metadata });
    expect(await sut.ensure('root')).toBe('registered');
  });

  it('never promotes an existing user who is not an admin', async () => {
    await register('root', ['finance']);
    expect(await sut.ensure('root')).toBe('unusable');
    expect(await store.readStream(userStreamId('root'))).toHaveLength(1);
  });
});

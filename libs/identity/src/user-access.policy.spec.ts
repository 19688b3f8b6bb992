import { fold } from '@custodia/platform';
import type { Role, UserEvent } from './identity.events';
import { actorAt, type Actor, assertMayGiveNotice } from './user-access.policy';
import { userDecider, type UserState } from './user.decider';

const user = (
  userId: string,
  roles: Role[],
  team: string | null,
  ...more: UserEvent[]
): UserState =>
  fold(userDecider, [
    { type: 'UserRegistered', data: { userId, displayName: 'Name', roles, team } },
    ...more,
  ]);

const actor = (userId: string, roles: Role[], team: string | null): Actor => ({
  userId,
  roles,
  team,
});

const refusal = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe(actorAt.name, () => {
  const notice: UserEvent = {
    type: 'UserOffboardingNoticeGiven',
    data: { userId: 'li', effectiveAt: '2026-03-15T18:00:00.000Z' },
  };

  it('gives roles and team of an active user', () => {
    expect(actorAt(user('li', ['sales'], 'east'), new Date('2026-03-01'))).toEqual({
      userId: 'li',
      roles: ['sales'],
      team: 'east',
    });
  });

  it('gives nobody for an unknown user, or once a notice has taken effect', () => {
    expect(actorAt(null, new Date())).toBeUndefined();
    const leaving = user('li', ['sales'], 'east', notice);
    expect(actorAt(leaving, new Date('2026-03-15T17:59:59Z'))).toBeDefined();
    expect(actorAt(leaving, new Date('2026-03-15T18:00:00Z'))).toBeUndefined();
  });

  it('gives nobody once offboarded, whatever the time', () => {
    const gone = user('li', ['admin'], null, notice, {
      type: 'UserOffboarded',
      data: { userId: 'li', offboardedAt: '2026-03-15T18:00:00.000Z' },
    });
    expect(actorAt(gone, new Date('2020-01-01'))).toBeUndefined();
  });
});

describe(assertMayGiveNotice.name, () => {
  const admin = actor('root', ['admin'], null);
  const manager = actor('boss', ['sales_manager'], 'east');

  it('lets an admin give anyone notice but themselves', () => {
    expect(refusal(() => assertMayGiveNotice(admin, user('li', ['dpo'], null)))).toBeUndefined();
    expect(refusal(() => assertMayGiveNotice(admin, user('root', ['admin'], null)))).toBe(
      'IDENTITY.FORBIDDEN',
    );
    expect(refusal(() => assertMayGiveNotice(admin, null))).toBe('IDENTITY.USER_NOT_FOUND');
  });

  it('lets a sales manager give notice to the sales reps of their own team only', () => {
    expect(
      refusal(() => assertMayGiveNotice(manager, user('li', ['sales'], 'east'))),
    ).toBeUndefined();
    for (const target of [
      user('li', ['sales'], 'north'),
      user('li', ['sales', 'finance'], 'east'),
      user('li', ['sales_manager'], 'east'),
      null,
    ]) {
      expect(refusal(() => assertMayGiveNotice(manager, target))).toBe('IDENTITY.FORBIDDEN');
    }
  });

  it('refuses everyone else', () => {
    const rep = actor('zhao', ['sales'], 'east');
    expect(refusal(() => assertMayGiveNotice(rep, user('li', ['sales'], 'east')))).toBe(
      'IDENTITY.FORBIDDEN',
    );
  });
});

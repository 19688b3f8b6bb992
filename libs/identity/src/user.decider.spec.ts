import { deciderSpec } from '@custodia/testing';
import type { CommandMetadata } from './identity.commands';
import type { Role, UserEvent, UserRegistered } from './identity.events';
import { userDecider } from './user.decider';

const NOW = '2026-03-01T09:00:00.000Z';
const LATER = '2026-03-15T18:00:00.000Z';
const metadata: CommandMetadata = { actorId: 'root', correlationId: 'c-1', now: NOW };
const at = (now: string): CommandMetadata => ({ ...metadata, now });

const registered = (roles: Role[] = ['sales']): UserRegistered => ({
  type: 'UserRegistered',
  data: { userId: 'wang.wei', displayName: '王伟', roles, team: 'east' },
});
const noticeGiven: UserEvent = {
  type: 'UserOffboardingNoticeGiven',
  data: { userId: 'wang.wei', effectiveAt: LATER },
};
const offboarded: UserEvent = {
  type: 'UserOffboarded',
  data: { userId: 'wang.wei', offboardedAt: NOW },
};

const register = (
  data: Partial<{ userId: string; displayName: string; roles: string[]; team: string | null }> = {},
) =>
  ({
    type: 'RegisterUser',
    data: { userId: 'wang.wei', displayName: ' 王伟 ', roles: ['sales'], team: 'east', ...data },
    metadata,
  }) as const;

describe('userDecider', () => {
  const sut = deciderSpec(userDecider);

  describe('RegisterUser', () => {
    it('registers a new user with trimmed name and roles in catalogue order', () => {
      sut
        .given([])
        .when(register({ roles: ['admin', 'sales', 'admin'] }))
        .then([
          {
            type: 'UserRegistered',
            data: {
              userId: 'wang.wei',
              displayName: '王伟',
              roles: ['sales', 'admin'],
              team: 'east',
            },
          },
        ]);
    });

    it('refuses to register the same user twice', () => {
      sut.given([registered()]).when(register()).thenThrows('IDENTITY.USER_EXISTS');
    });

    it('refuses an unknown role', () => {
      sut
        .given([])
        .when(register({ roles: ['sales', 'root'] }))
        .thenThrows('IDENTITY.UNKNOWN_ROLE');
    });

    it('refuses a user without roles', () => {
      sut
        .given([])
        .when(register({ roles: [] }))
        .thenThrows('IDENTITY.NO_ROLES');
    });

    it('refuses a sales role without a team, and accepts an auditor without one', () => {
      sut
        .given([])
        .when(register({ team: null }))
        .thenThrows('IDENTITY.TEAM_REQUIRED');
      sut
        .given([])
        .when(register({ roles: ['auditor'], team: null }))
        .then([
          {
            type: 'UserRegistered',
            data: { userId: 'wang.wei', displayName: '王伟', roles: ['auditor'], team: null },
          },
        ]);
    });

    it('refuses ids that are not plain, such as an e-mail address', () => {
      sut
        .given([])
        .when(register({ userId: 'wang@example.com' }))
        .thenThrows('IDENTITY.INVALID_USER_ID');
      sut
        .given([])
        .when(register({ userId: '' }))
        .thenThrows('IDENTITY.INVALID_USER_ID');
    });

    it('refuses an empty or overlong display name', () => {
      sut
        .given([])
        .when(register({ displayName: '   ' }))
        .thenThrows('IDENTITY.INVALID_DISPLAY_NAME');
      sut
        .given([])
        .when(register({ displayName: 'x'.repeat(101) }))
        .thenThrows('IDENTITY.INVALID_DISPLAY_NAME');
    });
  });

  describe('ChangeUserRoles and ChangeUserTeam', () => {
    it('changes roles, and records nothing when they are the same set', () => {
      const change = (roles: string[]) =>
        ({ type: 'ChangeUserRoles', data: { userId: 'wang.wei', roles }, metadata }) as const;
      sut
        .given([registered()])
        .when(change(['sales_manager']))
        .then([
          { type: 'UserRolesChanged', data: { userId: 'wang.wei', roles: ['sales_manager'] } },
        ]);
      sut
        .given([registered()])
        .when(change(['sales', 'sales']))
        .then([]);
      sut
        .given([registered()])
        .when(change(['superuser']))
        .thenThrows('IDENTITY.UNKNOWN_ROLE');
    });

    it('refuses anyone changing their own roles (an admin granting themselves dpo)', () => {
      sut
        .given([registered()])
        .when({
          type: 'ChangeUserRoles',
          data: { userId: 'wang.wei', roles: ['sales', 'dpo'] },
          metadata: { ...metadata, actorId: 'wang.wei' },
        })
        .thenThrows('IDENTITY.FORBIDDEN');
    });

    it('moves a user to another team, but never a sales rep to no team', () => {
      const change = (team: string | null) =>
        ({ type: 'ChangeUserTeam', data: { userId: 'wang.wei', team }, metadata }) as const;
      sut
        .given([registered()])
        .when(change('north'))
        .then([{ type: 'UserTeamChanged', data: { userId: 'wang.wei', team: 'north' } }]);
      sut.given([registered()]).when(change(null)).thenThrows('IDENTITY.TEAM_REQUIRED');
    });

    it('refuses to change an unknown user', () => {
      sut
        .given([])
        .when({ type: 'ChangeUserTeam', data: { userId: 'nobody', team: 'x' }, metadata })
        .thenThrows('IDENTITY.USER_NOT_FOUND');
    });

    it('refuses to change an offboarded user, or one whose notice has taken effect', () => {
      const promote = (now: string) =>
        ({
          type: 'ChangeUserRoles',
          data: { userId: 'wang.wei', roles: ['admin'] },
          metadata: at(now),
        }) as const;
      sut
        .given([registered(), noticeGiven, offboarded])
        .when(promote(NOW))
        .thenThrows('IDENTITY.USER_OFFBOARDED');
      sut
        .given([registered(), noticeGiven])
        .when(promote(LATER))
        .thenThrows('IDENTITY.USER_OFFBOARDED');
      sut
        .given([registered(), noticeGiven])
        .when(promote(NOW))
        .then([{ type: 'UserRolesChanged', data: { userId: 'wang.wei', roles: ['admin'] } }]);
    });
  });

  describe('GiveOffboardingNotice', () => {
    const notice = (effectiveAt?: string) =>
      ({
        type: 'GiveOffboardingNotice',
        data: { userId: 'wang.wei', ...(effectiveAt === undefined ? {} : { effectiveAt }) },
        metadata,
      }) as const;

    it('offboards at once when no effective time is given', () => {
      sut
        .given([registered()])
        .when(notice())
        .then([
          { type: 'UserOffboardingNoticeGiven', data: { userId: 'wang.wei', effectiveAt: NOW } },
          { type: 'UserOffboarded', data: { userId: 'wang.wei', offboardedAt: NOW } },
        ]);
    });

    it('gives notice for a future time, normalised to ISO-8601 UTC', () => {
      sut
        .given([registered()])
        .when(notice('2026-03-15T20:00:00+02:00'))
        .then([
          { type: 'UserOffboardingNoticeGiven', data: { userId: 'wang.wei', effectiveAt: LATER } },
        ]);
    });

    it('records nothing for the same notice twice, and moves a notice to a new time', () => {
      sut.given([registered(), noticeGiven]).when(notice(LATER)).then([]);
      sut
        .given([registered(), noticeGiven])
        .when(notice('2026-03-10T00:00:00.000Z'))
        .then([
          {
            type: 'UserOffboardingNoticeGiven',
            data: { userId: 'wang.wei', effectiveAt: '2026-03-10T00:00:00.000Z' },
          },
        ]);
    });

    it('refuses a notice in the past (it would rewrite who had access) or not a time', () => {
      sut
        .given([registered()])
        .when(notice('2026-02-01T00:00:00Z'))
        .thenThrows('IDENTITY.INVALID_EFFECTIVE_AT');
      sut.given([registered()]).when(notice(NOW)).thenThrows('IDENTITY.INVALID_EFFECTIVE_AT');
      sut
        .given([registered()])
        .when(notice('next friday'))
        .thenThrows('IDENTITY.INVALID_EFFECTIVE_AT');
    });

    it('refuses notice for an offboarded user', () => {
      sut
        .given([registered(), noticeGiven, offboarded])
        .when(notice())
        .thenThrows('IDENTITY.USER_OFFBOARDED');
    });
  });

  describe('CompleteOffboarding', () => {
    const complete = (now: string) =>
      ({ type: 'CompleteOffboarding', data: { userId: 'wang.wei' }, metadata: at(now) }) as const;

    it('records the exit at the effective time once the notice is due', () => {
      sut
        .given([registered(), noticeGiven])
        .when(complete('2026-03-16T00:00:00.000Z'))
        .then([{ type: 'UserOffboarded', data: { userId: 'wang.wei', offboardedAt: LATER } }]);
    });

    it('refuses before the effective time and without a notice', () => {
      sut
        .given([registered(), noticeGiven])
        .when(complete(NOW))
        .thenThrows('IDENTITY.NOTICE_NOT_DUE');
      sut.given([registered()]).when(complete(LATER)).thenThrows('IDENTITY.NO_NOTICE');
    });

    it('records nothing when the exit is recorded already', () => {
      sut.given([registered(), noticeGiven, offboarded]).when(complete(LATER)).then([]);
    });
  });
});

import type { RecordedEvent } from '@custodia/event-store';
import type { Projection } from '@custodia/read-store';
import type { EntityManager } from 'typeorm';
import { USER_EVENT_TYPES, type UserEvent } from '../../identity.events';

/** Turns a user event into one statement on `identity_user_directory` (no display name). */
const statementFor = (event: UserEvent, at: Date): [string, unknown[]] => {
  switch (event.type) {
    case 'UserRegistered':
      return [
        `INSERT INTO identity_user_directory (user_id, roles, team, registered_at, updated_at)
         VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (user_id) DO NOTHING`,
        [event.data.userId, event.data.roles, event.data.team, at],
      ];
    case 'UserRolesChanged':
      return [
        `UPDATE identity_user_directory SET roles = $2, updated_at = $3 WHERE user_id = $1`,
        [event.data.userId, event.data.roles, at],
      ];
    case 'UserTeamChanged':
      return [
        `UPDATE identity_user_directory SET team = $2, updated_at = $3 WHERE user_id = $1`,
        [event.data.userId, event.data.team, at],
      ];
    case 'UserOffboardingNoticeGiven':
      return [
        `UPDATE identity_user_directory SET leaves_at = $2, updated_at = $3 WHERE user_id = $1`,
        [event.data.userId, event.data.effectiveAt, at],
      ];
    case 'UserOffboarded':
      return [
        `UPDATE identity_user_directory SET offboarded_at = $2, updated_at = $3 WHERE user_id = $1`,
        [event.data.userId, event.data.offboardedAt, at],
      ];
  }
};

/**
 * Who is in the directory, with roles, team and offboarding dates: for listing users and for the
 * offboarding sweep. Authorisation never reads it (it lags); the guard folds the user's stream.
 */
export const userDirectoryProjection: Projection = {
  name: 'user-directory',
  version: 1,
  handles: USER_EVENT_TYPES,
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    const [sql, parameters] = statementFor(event as unknown as UserEvent, event.recordedAt);
    await manager.query(sql, parameters);
  },
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE identity_user_directory`);
  },
};

/** Every role Custodia knows. What each may see is decided by the contexts that own the data. */
export const ROLES = ['sales', 'sales_manager', 'finance', 'auditor', 'dpo', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** `displayName` is an employee's personal data: never logged (the logger redacts the field). */
export type UserRegistered = {
  readonly type: 'UserRegistered';
  readonly data: {
    readonly userId: string;
    readonly displayName: string;
    readonly roles: readonly Role[];
    readonly team: string | null;
  };
};

export type UserRolesChanged = {
  readonly type: 'UserRolesChanged';
  readonly data: { readonly userId: string; readonly roles: readonly Role[] };
};

export type UserTeamChanged = {
  readonly type: 'UserTeamChanged';
  readonly data: { readonly userId: string; readonly team: string | null };
};

/** Access ends at `effectiveAt` (ISO-8601), whether or not `UserOffboarded` has been recorded yet. */
export type UserOffboardingNoticeGiven = {
  readonly type: 'UserOffboardingNoticeGiven';
  readonly data: { readonly userId: string; readonly effectiveAt: string };
};

/** The exit, recorded at or after the effective time; `offboardedAt` is when access ended. */
export type UserOffboarded = {
  readonly type: 'UserOffboarded';
  readonly data: { readonly userId: string; readonly offboardedAt: string };
};

export type UserEvent =
  UserRegistered | UserRolesChanged | UserTeamChanged | UserOffboardingNoticeGiven | UserOffboarded;

export const USER_EVENT_TYPES: readonly UserEvent['type'][] = [
  'UserRegistered',
  'UserRolesChanged',
  'UserTeamChanged',
  'UserOffboardingNoticeGiven',
  'UserOffboarded',
];

export const USER_STREAM_PREFIX = 'User-';
export const userStreamId = (userId: string): string => `${USER_STREAM_PREFIX}${userId}`;

/** Who decided, in which flow, and when: copied onto every event the command produces. */
export type CommandMetadata = {
  readonly actorId: string;
  readonly correlationId?: string;
  /** ISO-8601 time of the decision, from the Clock. */
  readonly now: string;
};

/** Input is unchecked here (roles are plain strings): the decider validates it. */
export type RegisterUser = {
  readonly type: 'RegisterUser';
  readonly data: {
    readonly userId: string;
    readonly displayName: string;
    readonly roles: readonly string[];
    readonly team: string | null;
  };
  readonly metadata: CommandMetadata;
};

export type ChangeUserRoles = {
  readonly type: 'ChangeUserRoles';
  readonly data: { readonly userId: string; readonly roles: readonly string[] };
  readonly metadata: CommandMetadata;
};

export type ChangeUserTeam = {
  readonly type: 'ChangeUserTeam';
  readonly data: { readonly userId: string; readonly team: string | null };
  readonly metadata: CommandMetadata;
};

/** Without `effectiveAt` the user leaves at once; with it, access ends at that future time. */
export type GiveOffboardingNotice = {
  readonly type: 'GiveOffboardingNotice';
  readonly data: { readonly userId: string; readonly effectiveAt?: string };
  readonly metadata: CommandMetadata;
};

/** Records the exit of a user whose notice has taken effect. */
export type CompleteOffboarding = {
  readonly type: 'CompleteOffboarding';
  readonly data: { readonly userId: string };
  readonly metadata: CommandMetadata;
};

export type UserCommand =
  RegisterUser | ChangeUserRoles | ChangeUserTeam | GiveOffboardingNotice | CompleteOffboarding;

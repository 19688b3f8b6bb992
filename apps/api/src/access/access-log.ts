import type { AccessEvent } from '@custodia/access';

/** Where access events go before a response leaves: the group-committing AccessRecorder. */
export type AccessLog = { record(event: AccessEvent): Promise<unknown> };

export const ACCESS_LOG = Symbol('ACCESS_LOG');

import type { FieldName, Message, PersonalFieldsMap } from '@custodia/consent';
import type { Role } from '@custodia/identity';
import type { DenialReason } from './access-decision';
import type { FieldView } from './field-views';

/** What a response carried of one field: its clear value or its masked form. */
export type FieldDisclosure = {
  readonly field: FieldName;
  readonly view: Exclude<FieldView, 'hidden'>;
};

/** Who, as what, for which purpose, in which request: every access event starts with this. */
type AccessContext = {
  readonly actorId: string;
  readonly roles: readonly Role[];
  readonly purpose: string;
  /** The request id (X-Request-Id or generated): ties the event to the HTTP logs. */
  readonly requestId: string;
  /** `GET /v1/customers/:id` and the like: the route, never the URL with its query. */
  readonly route: string;
  /** Set when the actor is under offboarding notice: every such access raises an alert. */
  readonly underNotice: boolean;
};

/** A response carried customer data: appended before the response leaves (fail closed). */
export type CustomerDataAccessed = Message<
  'CustomerDataAccessed',
  AccessContext & {
    readonly customerIds: readonly string[];
    readonly fields: readonly FieldDisclosure[];
    readonly accessedAt: string;
  }
>;

/** Clear values were revealed; `reason` is free text, so it is sealed under the customer's key. */
export type PersonalDataRevealed = Message<
  'PersonalDataRevealed',
  AccessContext & {
    readonly customerId: string;
    readonly fields: readonly FieldName[];
    readonly reason: string;
    readonly revealedAt: string;
  }
>;

/** A CSV left the server: how many rows, which fields how, and the watermark it carries. */
export type CustomerDataExported = Message<
  'CustomerDataExported',
  AccessContext & {
    readonly watermark: string;
    readonly rowCount: number;
    readonly fields: readonly FieldDisclosure[];
    /** The filter as given (owner, team, dates): ids and dates only. */
    readonly filter: Readonly<Record<string, string>>;
    readonly exportedAt: string;
  }
>;

/** A read, reveal or export was refused, and why. */
export type AccessDenied = Message<
  'AccessDenied',
  Omit<AccessContext, 'purpose'> & {
    readonly purpose: string | null;
    readonly action: 'read' | 'reveal' | 'export';
    readonly customerId: string | null;
    readonly reason:
      DenialReason | 'RATE_LIMITED' | 'UNDER_NOTICE' | 'FIELD_NOT_REVEALABLE' | 'FIELD_NOT_VISIBLE';
    readonly deniedAt: string;
  }
>;

export type AccessEvent =
  CustomerDataAccessed | PersonalDataRevealed | CustomerDataExported | AccessDenied;

export const accessEventTypes: readonly AccessEvent['type'][] = [
  'CustomerDataAccessed',
  'PersonalDataRevealed',
  'CustomerDataExported',
  'AccessDenied',
];

/** Access events of one API process go to one stream: one writer, so no append ever conflicts. */
export const accessLogStreamId = (instanceId: string): string => `AccessLog-${instanceId}`;

/** Only the reveal's reason is personal (free text about the customer). */
export const accessPersonalData: Pick<
  PersonalFieldsMap<'PersonalDataRevealed'>,
  'PersonalDataRevealed'
> = {
  PersonalDataRevealed: { subject: 'customerId', fields: ['reason'] },
};

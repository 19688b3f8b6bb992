/**
 * Commands and events are data (CONVENTIONS.md): a stable string `type`, a JSON `data` object and
 * optional `metadata` (correlation, causation) that handlers add. Never routed on a class name.
 */
export type Message<Type extends string, Data> = {
  readonly type: Type;
  readonly data: Data;
  readonly metadata?: Readonly<Record<string, unknown>>;
};

/**
 * The personal fields of one event type, for the encrypting event store: the same shape as
 * crypto-shredding's `PersonalDataDeclaration`, so each entry can be registered as it is.
 */
export type PersonalFieldsDeclaration = {
  /** The data field naming the data subject, whose key encrypts the personal fields. */
  readonly subject: 'customerId';
  /** Top-level data fields to encrypt when present. */
  readonly fields: readonly string[];
};

/** One declaration per event type of a context: the mapped type makes forgetting one a type error. */
export type PersonalFieldsMap<EventType extends string> = {
  readonly [Type in EventType]: PersonalFieldsDeclaration;
};

/** The `never` check that closes every exhaustive switch over message types. */
export const unreachable = (message: never): never => {
  throw new Error(`unhandled message type ${String((message as { type?: unknown }).type)}`);
};

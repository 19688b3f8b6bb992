import { CryptoShreddingError } from './crypto-shredding.errors';
import { type FieldPath, parseFieldPath } from './field-path';

/** How one event type carries personal data: whose it is, and which fields hold it. */
export type PersonalDataDeclaration<
  Data extends Record<string, unknown> = Record<string, unknown>,
> = {
  /**
   * The data subject (customer id) whose key seals the fields: the name of a top-level field
   * (`'customerId'`) or a function of the data. It stays in plaintext.
   */
  readonly subject: (keyof Data & string) | ((data: Data) => unknown);
  /** `name`, `address.street` or `contacts[].phone`; may be empty (nothing to seal). */
  readonly fields: readonly string[];
};

export type RegisteredEventType = {
  readonly eventType: string;
  subjectOf(data: Record<string, unknown>): string | undefined;
  readonly fields: readonly FieldPath[];
};

/** Nest token of the application's one registry; context modules add to it in onModuleInit. */
export const PERSONAL_DATA_REGISTRY = Symbol('PERSONAL_DATA_REGISTRY');

const invalid = (message: string): CryptoShreddingError =>
  new CryptoShreddingError('CRYPTO.INVALID_DECLARATION', message);

/**
 * Which event types hold personal fields. The encrypting store consults it on every append and
 * read, so a type registered at start-up applies from then on. Unregistered types pass through.
 */
export class PersonalDataRegistry {
  private readonly types = new Map<string, RegisteredEventType>();
  private readonly declared = new Set<string>();

  register<Data extends Record<string, unknown>>(
    eventType: string,
    declaration: PersonalDataDeclaration<Data>,
  ): this {
    if (this.declared.has(eventType))
      throw invalid(`event type ${eventType} is already registered`);
    const { subject, fields } = declaration;
    if (new Set(fields).size !== fields.length)
      throw invalid(`event type ${eventType}: list each personal field once`);
    if (typeof subject === 'string' && fields.includes(subject))
      throw invalid(`event type ${eventType}: the subject field cannot be a personal field`);
    const subjectOf =
      typeof subject === 'string'
        ? (data: Record<string, unknown>) => data[subject]
        : (subject as (data: Record<string, unknown>) => unknown);
    this.declared.add(eventType);
    // Nothing to seal: the type is known, but needs no key.
    if (fields.length === 0) return this;
    this.types.set(eventType, {
      eventType,
      fields: fields.map(parseFieldPath),
      subjectOf: (data) => {
        const id = subjectOf(data);
        return typeof id === 'string' && id.length > 0 ? id : undefined;
      },
    });
    return this;
  }

  /** Every entry of a context's map, e.g. `{ CustomerRegistered: { subject, fields }, … }`. */
  registerAll(declarations: Readonly<Record<string, PersonalDataDeclaration>>): this {
    for (const [eventType, declaration] of Object.entries(declarations)) {
      this.register(eventType, declaration);
    }
    return this;
  }

  get(eventType: string): RegisteredEventType | undefined {
    return this.types.get(eventType);
  }

  /** Event types with personal fields. */
  get eventTypes(): readonly string[] {
    return [...this.types.keys()];
  }
}

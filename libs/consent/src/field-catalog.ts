/**
 * Every field Custodia may hold about a customer, classified once. Purposes name these fields
 * (minimum necessity), the deciders refuse anything else, and `personal` fields are the ones the
 * encrypting event store encrypts under the customer's key.
 */

/** `free_text` is personal because anything can be written into it (follow-up notes). */
export type FieldCategory = 'identifier' | 'contact' | 'sensitive' | 'business' | 'free_text';

export type FieldDefinition = {
  readonly category: FieldCategory;
  /** Personal information (PIPL art. 4): stored only as ciphertext under the customer's key. */
  readonly personal: boolean;
  readonly description: string;
};

export const fieldCatalog = {
  name: { category: 'identifier', personal: true, description: 'full name' },
  phone: { category: 'contact', personal: true, description: 'mainland China mobile number' },
  email: { category: 'contact', personal: true, description: 'e-mail address' },
  wechat: { category: 'contact', personal: true, description: 'WeChat ID' },
  address: { category: 'contact', personal: true, description: 'postal address' },
  // PIPL art. 28: sensitive personal information; needs a separate consent (art. 29).
  idNumber: { category: 'sensitive', personal: true, description: '18-digit resident ID number' },
  income: { category: 'sensitive', personal: true, description: 'annual income in CNY' },
  // Business fields stay readable for finance and anonymised statistics after erasure.
  company: { category: 'business', personal: false, description: 'employer or company name' },
  products: { category: 'business', personal: false, description: 'products of interest' },
  quote: { category: 'business', personal: false, description: 'quoted amount and currency' },
  orderStatus: { category: 'business', personal: false, description: 'order status' },
  followUpNotes: {
    category: 'free_text',
    personal: true,
    description: 'follow-up summary and next step',
  },
} as const satisfies Record<string, FieldDefinition>;

export type FieldName = keyof typeof fieldCatalog;

export const fieldNames = Object.keys(fieldCatalog) as readonly FieldName[];

// Object.hasOwn: a name such as "constructor" must not pass as a field.
export const isFieldName = (value: unknown): value is FieldName =>
  typeof value === 'string' && Object.hasOwn(fieldCatalog, value);

export const isPersonalField = (field: FieldName): boolean => fieldCatalog[field].personal;

export const isSensitiveField = (field: FieldName): boolean =>
  fieldCatalog[field].category === 'sensitive';

export const personalFieldNames: readonly FieldName[] = fieldNames.filter(isPersonalField);

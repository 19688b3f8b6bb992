import type { DirectoryRow, FieldDisclosure, FinanceRow, FieldView } from '@custodia/access';
import { type FieldName, isPersonalField } from '@custodia/consent';

type Shown = ReadonlyMap<FieldName, Exclude<FieldView, 'hidden'>>;

/** A customer as one role sees it for one purpose: only the fields the decision allowed. */
export type CustomerView = {
  readonly id: string;
  readonly ownerId: string;
  readonly team: string;
  readonly purpose: string;
  /** Allowed fields only; personal ones in their masked form. */
  readonly fields: Readonly<Partial<Record<FieldName, unknown>>>;
  /** Which of `fields` are masked. */
  readonly masked: readonly FieldName[];
  readonly lastFollowUpAt: string | null;
  readonly nextFollowUpAt: string | null;
  readonly registeredAt: string;
};

const fromDirectory = (row: DirectoryRow, field: FieldName): unknown => {
  switch (field) {
    case 'name':
    case 'phone':
    case 'email':
    case 'wechat':
    case 'address':
    case 'idNumber':
    case 'income':
      return row.masked[field];
    case 'company':
      return row.company ?? undefined;
    case 'products':
    case 'quote':
    case 'orderStatus':
    case 'followUpNotes':
      return undefined; // the finance view's and the timeline's
  }
};

const fromFinance = (row: FinanceRow | undefined, field: FieldName): unknown => {
  if (row === undefined) return undefined;
  switch (field) {
    case 'products':
      return row.products ?? undefined;
    case 'quote':
      return row.quote ?? undefined;
    case 'orderStatus':
      return row.orderStatus ?? undefined;
    case 'name':
    case 'phone':
    case 'email':
    case 'wechat':
    case 'address':
    case 'idNumber':
    case 'income':
    case 'company':
    case 'followUpNotes':
      return undefined;
  }
};

/**
 * Builds the view and what it discloses (for the access event). The read models hold masked
 * forms only, so a personal field can only ever be shown masked here; `followUpNotes` are the
 * timeline's, not the directory's.
 */
export const presentCustomer = (
  purpose: string,
  row: DirectoryRow,
  finance: FinanceRow | undefined,
  shown: Shown,
): { view: CustomerView; disclosed: FieldDisclosure[] } => {
  const fields: Partial<Record<FieldName, unknown>> = {};
  const masked: FieldName[] = [];
  const disclosed: FieldDisclosure[] = [];
  for (const [field, view] of shown) {
    const value = fromDirectory(row, field) ?? fromFinance(finance, field);
    if (value === undefined || value === null) continue;
    fields[field] = value;
    // Personal values exist here only in their masked form; business fields are as they are.
    const as = isPersonalField(field) ? 'masked' : view;
    if (as === 'masked') masked.push(field);
    disclosed.push({ field, view: as });
  }
  return {
    view: {
      id: row.customerId,
      ownerId: row.ownerId,
      team: row.team,
      purpose,
      fields,
      masked,
      lastFollowUpAt: row.lastFollowUpAt,
      nextFollowUpAt: row.nextFollowUpAt,
      registeredAt: row.registeredAt,
    },
    disclosed,
  };
};

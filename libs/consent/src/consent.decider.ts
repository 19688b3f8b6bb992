import type { Decider } from '@custodia/platform';
import {
  checkChannel,
  checkCommon,
  checkInstant,
  type ConsentCommand,
  type EndLawfulBasis,
  fieldInvalid,
  optionalText,
  type GrantConsent,
  type RecordLawfulBasis,
  type WithdrawConsent,
} from './consent.commands';
import { ConsentError } from './consent.errors';
import type { ConsentEvent } from './consent.events';
import { unreachable } from './message';
import type { LawfulBasis, Purpose, PurposeCatalog } from './purpose-catalog';

/** A purpose that may be used for this customer now, and since when without interruption. */
export type ActiveBasis = {
  readonly purpose: string;
  readonly lawfulBasis: LawfulBasis;
  readonly since: string;
  readonly noticeVersion: string;
  readonly separate: boolean;
};

export type ConsentState = { readonly active: ReadonlyMap<string, ActiveBasis> };

export const initialConsentState = (): ConsentState => ({ active: new Map() });

export const evolveConsent = (state: ConsentState, event: ConsentEvent): ConsentState => {
  const active = new Map(state.active);
  switch (event.type) {
    case 'ConsentGranted': {
      const { purpose, grantedAt, noticeVersion, separate } = event.data;
      // A renewed grant (say, for a new notice) does not interrupt the active period.
      const since = active.get(purpose)?.since ?? grantedAt;
      active.set(purpose, { purpose, lawfulBasis: 'consent', since, noticeVersion, separate });
      break;
    }
    case 'LawfulBasisRecorded': {
      const { purpose, lawfulBasis, recordedAt, noticeVersion } = event.data;
      const since = active.get(purpose)?.since ?? recordedAt;
      active.set(purpose, { purpose, lawfulBasis, since, noticeVersion, separate: false });
      break;
    }
    case 'ConsentWithdrawn':
    case 'LawfulBasisEnded':
      active.delete(event.data.purpose);
      break;
    default:
      return unreachable(event);
  }
  return { active };
};

/**
 * Consent for one customer (PIPL art. 13–17, 29; GDPR art. 6, 7). The catalog is configuration
 * validated at boot, so it is given once, not read from anywhere.
 */
export const createConsentDecider = (
  catalog: PurposeCatalog,
): Decider<ConsentCommand, ConsentEvent, ConsentState> => ({
  initialState: initialConsentState,
  evolve: evolveConsent,
  decide: (command, state) => {
    switch (command.type) {
      case 'GrantConsent':
        return [grant(catalog, command.data)];
      case 'WithdrawConsent':
        return [withdraw(catalog, command.data, state)];
      case 'RecordLawfulBasis':
        return [recordBasis(catalog, command.data)];
      case 'EndLawfulBasis':
        return [endBasis(catalog, command.data, state)];
      default:
        return unreachable(command);
    }
  },
});

const grant = (catalog: PurposeCatalog, data: GrantConsent['data']): ConsentEvent => {
  const { customerId, actorId } = checkCommon(data);
  const purpose = requirePurpose(catalog, data.purpose);
  if (purpose.lawfulBasis !== 'consent') {
    throw basisMismatch(purpose, 'record that lawful basis instead of a consent');
  }
  const noticeLanguage = noticeLanguageFor(catalog, purpose, data.noticeVersion, data.noticeSha256);
  checkChannel(data.channel);
  checkInstant(data.grantedAt, 'grantedAt');
  const evidence = optionalText(data.evidence, 'evidence');
  if (data.separate !== undefined && typeof data.separate !== 'boolean') {
    throw fieldInvalid('separate', 'must be true or false');
  }
  const separate = data.separate === true;
  if (purpose.requiresSeparateConsent && !separate) {
    throw new ConsentError(
      'CONSENT.SEPARATE_CONSENT_REQUIRED',
      `separate: purpose ${purpose.id} covers sensitive personal information and needs a separate consent (PIPL art. 29)`,
      'separate',
    );
  }
  return {
    type: 'ConsentGranted',
    data: {
      customerId,
      purpose: purpose.id,
      noticeVersion: data.noticeVersion,
      noticeSha256: data.noticeSha256,
      noticeLanguage,
      channel: data.channel,
      ...(evidence === undefined ? {} : { evidence }),
      separate,
      grantedAt: data.grantedAt,
      actorId,
    },
  };
};

const withdraw = (
  catalog: PurposeCatalog,
  data: WithdrawConsent['data'],
  state: ConsentState,
): ConsentEvent => {
  const { customerId, actorId } = checkCommon(data);
  const purpose = requirePurpose(catalog, data.purpose);
  if (purpose.lawfulBasis !== 'consent') {
    throw basisMismatch(purpose, 'there is no consent to withdraw (end the basis or object)');
  }
  requireActive(state, purpose, 'has no active consent to withdraw');
  checkChannel(data.channel);
  // No ordering check against the grant: a withdrawal is never refused over clock skew.
  checkInstant(data.withdrawnAt, 'withdrawnAt');
  const { channel, withdrawnAt } = data;
  return {
    type: 'ConsentWithdrawn',
    data: { customerId, purpose: purpose.id, channel, withdrawnAt, actorId },
  };
};

const recordBasis = (catalog: PurposeCatalog, data: RecordLawfulBasis['data']): ConsentEvent => {
  const { customerId, actorId } = checkCommon(data);
  const purpose = requirePurpose(catalog, data.purpose);
  const lawfulBasis = purpose.lawfulBasis;
  if (lawfulBasis === 'consent') {
    throw basisMismatch(purpose, 'grant consent instead');
  }
  if (purpose.everyCustomer) {
    // A duty owed for everyone is never recorded per customer: it must not let a field be stored.
    throw basisMismatch(purpose, 'it applies to every customer and serves reads only');
  }
  const noticeLanguage = noticeLanguageFor(catalog, purpose, data.noticeVersion, data.noticeSha256);
  checkInstant(data.recordedAt, 'recordedAt');
  const reference = optionalText(data.reference, 'reference');
  return {
    type: 'LawfulBasisRecorded',
    data: {
      customerId,
      purpose: purpose.id,
      lawfulBasis,
      noticeVersion: data.noticeVersion,
      noticeSha256: data.noticeSha256,
      noticeLanguage,
      ...(reference === undefined ? {} : { reference }),
      recordedAt: data.recordedAt,
      actorId,
    },
  };
};

const endBasis = (
  catalog: PurposeCatalog,
  data: EndLawfulBasis['data'],
  state: ConsentState,
): ConsentEvent => {
  const { customerId, actorId } = checkCommon(data);
  const purpose = requirePurpose(catalog, data.purpose);
  if (purpose.lawfulBasis === 'consent') {
    throw basisMismatch(purpose, 'withdraw the consent instead');
  }
  requireActive(state, purpose, `has no active ${purpose.lawfulBasis} basis to end`);
  checkInstant(data.endedAt, 'endedAt');
  return {
    type: 'LawfulBasisEnded',
    data: { customerId, purpose: purpose.id, endedAt: data.endedAt, actorId },
  };
};

const requirePurpose = (catalog: PurposeCatalog, id: unknown): Purpose => {
  const purpose = typeof id === 'string' ? catalog.purposes.get(id) : undefined;
  if (!purpose) {
    throw new ConsentError(
      'CONSENT.PURPOSE_UNKNOWN',
      'purpose: not in the purpose catalog',
      'purpose',
    );
  }
  return purpose;
};

const requireActive = (state: ConsentState, purpose: Purpose, rule: string): void => {
  if (!state.active.has(purpose.id)) {
    throw new ConsentError('CONSENT.NOT_GRANTED', `purpose: ${purpose.id} ${rule}`, 'purpose');
  }
};

/** The notice must be registered, tell about the purpose, and have a text with this hash. */
const noticeLanguageFor = (
  catalog: PurposeCatalog,
  purpose: Purpose,
  version: unknown,
  sha256: unknown,
): string => {
  const notice = typeof version === 'string' ? catalog.notices.get(version) : undefined;
  if (!notice) {
    throw new ConsentError(
      'CONSENT.NOTICE_UNKNOWN',
      'noticeVersion: not a registered privacy notice version',
      'noticeVersion',
    );
  }
  if (!notice.purposes.includes(purpose.id)) {
    throw new ConsentError(
      'CONSENT.NOTICE_NOT_COVERING_PURPOSE',
      `noticeVersion: notice ${notice.version} does not tell about purpose ${purpose.id}`,
      'noticeVersion',
    );
  }
  const text = notice.texts.find((candidate) => candidate.sha256 === sha256);
  if (!text) {
    throw new ConsentError(
      'CONSENT.NOTICE_HASH_MISMATCH',
      `noticeSha256: matches no registered text of notice ${notice.version}`,
      'noticeSha256',
    );
  }
  return text.language;
};

const basisMismatch = (purpose: Purpose, rule: string): ConsentError =>
  new ConsentError(
    'CONSENT.BASIS_MISMATCH',
    `purpose: ${purpose.id} rests on ${purpose.lawfulBasis}; ${rule}`,
    'purpose',
  );

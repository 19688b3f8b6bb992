import { accessPersonalData } from '@custodia/access';
import { PersonalDataRegistry } from '@custodia/crypto-shredding';
import { customerStreamPersonalData } from '@custodia/follow-ups';
import { privacyPersonalData } from '@custodia/privacy';

/**
 * Every event type with personal fields, registered before any process (API, projector, CLI)
 * reads or writes an event: a process that missed one would see envelopes, or worse, write
 * plaintext. A context adds its declarations here.
 */
export const createPersonalDataRegistry = (): PersonalDataRegistry =>
  new PersonalDataRegistry()
    .registerAll(customerStreamPersonalData)
    .registerAll(accessPersonalData)
    .registerAll(privacyPersonalData);

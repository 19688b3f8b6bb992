import { randomUUID } from 'node:crypto';
import { InMemoryEventStore, type RecordedEvent } from '@custodia/event-store';
import { CryptoShreddingError } from './crypto-shredding.errors';
import { EncryptingEventStore } from './encrypting-event-store';
import { ERASED, isEnvelope } from './envelope';
import { InMemoryKeyVault } from './in-memory-key-vault';
import { PersonalDataRegistry } from './personal-data.registry';

const PHONE = '13987654321';
const NAME = '王小明';

const registered = (): PersonalDataRegistry =>
  new PersonalDataRegistry()
    .register('CustomerRegistered', {
      subject: 'customerId',
      fields: ['name', 'phone', 'address.street', 'contacts[].wechat'],
    })
    .register<{ customer: { id: string } }>('FollowUpLogged', {
      subject: (data) => data.customer.id,
      fields: ['summary'],
    })
    .register('ConsentWithdrawn', { subject: 'customerId', fields: [] });

const registeredEvent = (customerId: string) => ({
  type: 'CustomerRegistered',
  data: {
    customerId,
    name: NAME,
    phone: PHONE,
    company: '上海某某科技有限公司',
    address: { street: '南京东路 100 号', city: '上海' },
    contacts: [{ wechat: 'wx_wang' }, { note: 'no wechat' }],
  },
});

describe(EncryptingEventStore.name, () => {
  let inner: InMemoryEventStore;
  let vault: InMemoryKeyVault;
  let sut: EncryptingEventStore;
  const customerId = randomUUID();

  beforeEach(() => {
    inner = new InMemoryEventStore();
    vault = new InMemoryKeyVault();
    sut = new EncryptingEventStore(inner, { vault, registry: registered() });
  });

  afterEach(() => sut.close());

  it('stores envelopes in place of personal fields, and the rest as is', async () => {
    await sut.append(`customer-${customerId}`, [registeredEvent(customerId)]);
    const [stored] = await inner.readAll();
    const data = stored.data as {
      name: unknown;
      phone: unknown;
      address: { street: unknown };
      contacts: { wechat: unknown }[];
    };
    expect(JSON.stringify(stored)).not.toMatch(/13987654321|王小明|南京东路|wx_wang/);
    expect(isEnvelope(data.name)).toBe(true);
    expect(isEnvelope(data.phone)).toBe(true);
    expect(isEnvelope(data.address.street)).toBe(true);
    expect(isEnvelope(data.contacts[0].wechat)).toBe(true);
    expect(data).toMatchObject({
      customerId,
      company: '上海某某科技有限公司',
      address: { city: '上海' },
      contacts: [{}, { note: 'no wechat' }],
    });
  });

  it('gives the plaintext back on readStream, readAll and subscribeToAll', async () => {
    const event = registeredEvent(customerId);
    await sut.append(`customer-${customerId}`, [event]);
    const [fromStream] = await sut.readStream(`customer-${customerId}`);
    const [fromAll] = await sut.readAll();
    const subscription = sut.subscribeToAll();
    let fromSubscription: RecordedEvent | undefined;
    for await (const received of subscription) {
      fromSubscription = received;
      break;
    }
    for (const read of [fromStream, fromAll, fromSubscription])
      expect(read?.data).toEqual(event.data);
  });

  it('passes unregistered types and types without personal fields through untouched', async () => {
    const data = { customerId, phone: PHONE };
    await sut.append('other', [
      { type: 'SomethingElse', data },
      { type: 'ConsentWithdrawn', data: { purpose: 'marketing' } },
    ]);
    expect((await inner.readAll()).map((event) => event.data)).toEqual([
      data,
      { purpose: 'marketing' },
    ]);
    expect(vault.lookups).toBe(0);
  });

  it('keeps the caller’s event ids (lower-cased), which the ciphertexts are bound to', async () => {
    const id = randomUUID().toUpperCase();
    await sut.append('s', [{ ...registeredEvent(customerId), id }]);
    const [read] = await sut.readAll();
    expect(read.id).toBe(id.toLowerCase());
    expect(read.data.phone).toBe(PHONE);
  });

  it('reads every personal field of an erased subject as ERASED, other subjects unharmed', async () => {
    const other = randomUUID();
    await sut.append('a', [registeredEvent(customerId), registeredEvent(other)]);
    await sut.append('b', [
      { type: 'FollowUpLogged', data: { customer: { id: customerId }, summary: '电话回访' } },
    ]);
    await vault.destroyKey(customerId);

    const [mine, theirs, followUp] = await sut.readAll();
    expect(mine.data).toMatchObject({
      customerId,
      name: ERASED,
      phone: ERASED,
      company: '上海某某科技有限公司',
      address: { street: ERASED, city: '上海' },
      contacts: [{ wechat: ERASED }, { note: 'no wechat' }],
    });
    expect(followUp.data.summary).toEqual(ERASED);
    expect(theirs.data.phone).toBe(PHONE);
  });

  it('refuses to encrypt for an erased subject (no resurrection)', async () => {
    await vault.destroyKey(customerId);
    await expect(sut.append('a', [registeredEvent(customerId)])).rejects.toMatchObject({
      code: 'CRYPTO.SUBJECT_ERASED',
    });
    expect(await inner.readAll()).toEqual([]);
  });

  it('stores an event without personal values for an erased subject, asking for no key', async () => {
    await vault.destroyKey(customerId);
    const idsOnly = { type: 'CustomerRegistered', data: { customerId, company: '某某科技' } };
    await sut.append('a', [idsOnly]);
    const [stored] = await inner.readAll();
    expect(stored?.data).toEqual(idsOnly.data);
  });

  it('refuses an event of a registered type that does not name its subject', async () => {
    const event = registeredEvent(customerId);
    const append = sut.append('a', [{ ...event, data: { ...event.data, customerId: '' } }]);
    await expect(append).rejects.toBeInstanceOf(CryptoShreddingError);
    await expect(append).rejects.toMatchObject({ code: 'CRYPTO.SUBJECT_MISSING' });
  });

  it('fails on an envelope copied into another event, never returning its plaintext', async () => {
    await sut.append('a', [registeredEvent(customerId), registeredEvent(customerId)]);
    const [first] = await inner.readAll();
    // A copy of the first event's phone envelope, appended as another event of the same customer.
    await inner.append('a', [
      { type: 'CustomerRegistered', data: { customerId, phone: first.data.phone } },
    ]);
    await expect(sut.readAll()).rejects.toMatchObject({ code: 'CRYPTO.TAMPERED' });
  });

  it('makes one key lookup per page, however many subjects it holds', async () => {
    const customers = Array.from({ length: 50 }, () => randomUUID());
    await sut.append('many', customers.map(registeredEvent));
    expect(vault.lookups).toBe(1);
    vault.lookups = 0;
    const page = await sut.readAll({ maxCount: 500 });
    expect(page).toHaveLength(50);
    expect(vault.lookups).toBe(1);
  });
});

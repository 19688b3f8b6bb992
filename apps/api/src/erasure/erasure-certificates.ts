import type { SignedErasureCertificate } from '@custodia/crypto-shredding';
import { type EventStore, WrongExpectedRevision } from '@custodia/event-store';

/** One stream per request, holding the signed certificate (ids and times only). */
export const certificateStreamId = (requestId: string): string => `ErasureCertificate-${requestId}`;

const ISSUED = 'ErasureCertificateIssued';

/** The certificate issued for the request, if any (the first one, should a retry add another). */
export const findCertificate = async (
  store: EventStore,
  requestId: string,
): Promise<SignedErasureCertificate | undefined> => {
  const [first] = await store.readStream(certificateStreamId(requestId), { maxCount: 1 });
  return first?.type === ISSUED ? (first.data as unknown as SignedErasureCertificate) : undefined;
};

/** Stores the certificate once; a concurrent or repeated execution keeps the first. */
export const storeCertificate = async (
  store: EventStore,
  requestId: string,
  signed: SignedErasureCertificate,
): Promise<SignedErasureCertificate> => {
  try {
    await store.append(certificateStreamId(requestId), [{ type: ISSUED, data: signed }], {
      expectedRevision: 'no_stream',
    });
    return signed;
  } catch (error) {
    if (!(error instanceof WrongExpectedRevision)) throw error;
    return (await findCertificate(store, requestId)) ?? signed;
  }
};

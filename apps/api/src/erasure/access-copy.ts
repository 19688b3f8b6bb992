import { Inject, Injectable } from '@nestjs/common';
import { AccessTimelineQueries, type AccessTimelineEntry } from '@custodia/access';
import { isErased } from '@custodia/crypto-shredding';
import { customerStreamId } from '@custodia/customers';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { DATA_SOURCE } from '@custodia/runtime';
import type { DataSource } from 'typeorm';

/** Everything held on a person (PIPL art. 45, GDPR art. 15/20), machine-readable. */
export type AccessPackage = {
  readonly requestId: string;
  readonly customerId: string;
  readonly generatedAt: string;
  readonly profile: Readonly<Record<string, unknown>>;
  readonly consents: readonly Readonly<Record<string, unknown>>[];
  readonly followUps: readonly Readonly<Record<string, unknown>>[];
  /** Who accessed the data, when, for which purpose (the access timeline). */
  readonly accesses: readonly Readonly<Record<string, unknown>>[];
};

export const PACKAGE_SECTIONS = ['profile', 'consents', 'follow-ups', 'accesses'] as const;
export type PackageSection = (typeof PACKAGE_SECTIONS)[number];

const PROFILE_EVENTS = new Set(['CustomerRegistered', 'CustomerProfileUpdated']);
const CONSENT_EVENTS = new Set([
  'ConsentGranted',
  'ConsentWithdrawn',
  'LawfulBasisRecorded',
  'LawfulBasisEnded',
]);
const BOOKKEEPING = new Set(['customerId', 'actorId', 'removed', 'updatedAt', 'registeredAt']);
const MAX_ACCESS_ENTRIES = 10_000;

/** A value the person can read: an erased one says so instead of showing the marker. */
const readable = (value: unknown): unknown => (isErased(value) ? '[erased]' : value);

/** Builds the access copy from the log (decrypted) and the access timeline. */
@Injectable()
export class AccessCopy {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async build(requestId: string, customerId: string, now: Date): Promise<AccessPackage> {
    const events = await this.store.readStream(customerStreamId(customerId));
    const profile: Record<string, unknown> = {};
    const consents: Record<string, unknown>[] = [];
    const followUps: Record<string, unknown>[] = [];
    for (const event of events) {
      const data = event.data;
      if (PROFILE_EVENTS.has(event.type)) {
        for (const [field, value] of Object.entries(data)) {
          if (!BOOKKEEPING.has(field)) profile[field] = readable(value);
        }
        for (const field of (data.removed as string[] | undefined) ?? []) delete profile[field];
      } else if (CONSENT_EVENTS.has(event.type)) {
        consents.push({ event: event.type, ...data, recordedAt: event.recordedAt.toISOString() });
      } else if (event.type === 'FollowUpLogged') {
        followUps.push(
          Object.fromEntries(Object.entries(data).map(([key, value]) => [key, readable(value)])),
        );
      }
    }
    return {
      requestId,
      customerId,
      generatedAt: now.toISOString(),
      profile,
      consents,
      followUps,
      accesses: (await this.accessesOf(customerId)).map((entry) => ({
        at: entry.occurredAt,
        actorId: entry.actorId,
        kind: entry.kind,
        purpose: entry.purpose,
        fields: entry.fields.map(({ field, view }) => `${field}:${view}`).join(' '),
        route: entry.route,
      })),
    };
  }

  private async accessesOf(customerId: string): Promise<AccessTimelineEntry[]> {
    const timeline = new AccessTimelineQueries(this.dataSource);
    const entries: AccessTimelineEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await timeline.byCustomer(customerId, {
        limit: 500,
        ...(cursor === undefined ? {} : { cursor }),
      });
      entries.push(...page.entries);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && entries.length < MAX_ACCESS_ENTRIES);
    return entries;
  }
}

/** One section as CSV rows (RFC 4180): the profile as field,value; the others one row each. */
export const sectionRows = (copy: AccessPackage, section: PackageSection): unknown[][] => {
  if (section === 'profile') {
    return [
      ['field', 'value'],
      ...Object.entries(copy.profile).map(([field, value]) => [field, value]),
    ];
  }
  const rows =
    section === 'consents'
      ? copy.consents
      : section === 'follow-ups'
        ? copy.followUps
        : copy.accesses;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return [columns, ...rows.map((row) => columns.map((column) => row[column]))];
};

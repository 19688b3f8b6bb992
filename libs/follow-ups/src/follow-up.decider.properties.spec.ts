import fc from 'fast-check';
import {
  aConsentGranted,
  aConsentWithdrawn,
  aCustomerRegistered,
  aLogFollowUp,
  aPurposeCatalog,
} from '@custodia/testing';
import { createFollowUpDecider } from './follow-up.decider';
import type { CustomerStreamEvent } from './follow-up.events';

const sut = createFollowUpDecider(aPurposeCatalog());
const DAY = 86_400_000;
const at = (day: number): string => new Date(Date.UTC(2025, 0, 1) + day * DAY).toISOString();

describe('LogFollowUp (properties)', () => {
  it('is accepted exactly when the consent is active now and has been since the interaction', () => {
    fc.assert(
      fc.property(
        // Days on which the consent toggles: granted, withdrawn, granted again…
        fc
          .uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 6 })
          .map((d) => d.sort((a, b) => a - b)),
        fc.integer({ min: 0, max: 70 }),
        (toggles, occurredDay) => {
          const history: CustomerStreamEvent[] = [aCustomerRegistered()];
          toggles.forEach((day, i) =>
            history.push(
              i % 2 === 0
                ? aConsentGranted({ grantedAt: at(day) })
                : aConsentWithdrawn({ withdrawnAt: at(day) }),
            ),
          );
          const activeNow = toggles.length % 2 === 1;
          const activeSince = toggles[toggles.length - 1];
          const expected = activeNow && activeSince <= occurredDay;
          const command = aLogFollowUp({ occurredAt: at(occurredDay), recordedAt: at(70) });
          const state = history.reduce(sut.evolve, sut.initialState());
          let accepted = true;
          try {
            sut.decide(command, state);
          } catch (error) {
            expect(error).toMatchObject({ code: 'FOLLOW_UP.PURPOSE_NOT_ACTIVE' });
            accepted = false;
          }
          expect(accepted).toBe(expected);
        },
      ),
    );
  });
});

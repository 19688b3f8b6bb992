import { AccessCustomerConsents1796500000001 } from './customer-consents/1796500000001-customer-consents.migration';
import { AccessCustomerDirectory1796500000000 } from './customer-directory/1796500000000-customer-directory.migration';
import { AccessCustomerDirectoryErased1796610000000 } from './customer-directory/1796610000000-customer-directory-erased.migration';
import { AccessCustomerDirectoryFollowUpOrder1796725000000 } from './customer-directory/1796725000000-customer-directory-follow-up-order.migration';
import { AccessCustomerFinance1796500000003 } from './customer-finance/1796500000003-customer-finance.migration';
import { AccessCustomerStatistics1796610000001 } from './customer-statistics/1796610000001-customer-statistics.migration';
import { AccessFollowUps1796500000002 } from './follow-up-timeline/1796500000002-follow-up-timeline.migration';

/** The access read models' tables, in order. */
export const accessMigrations = [
  AccessCustomerDirectory1796500000000,
  AccessCustomerConsents1796500000001,
  AccessFollowUps1796500000002,
  AccessCustomerFinance1796500000003,
  AccessCustomerDirectoryErased1796610000000,
  AccessCustomerStatistics1796610000001,
  AccessCustomerDirectoryFollowUpOrder1796725000000,
] as const;

import { IdentityUserDirectory1796300000000 } from './read-models/user-directory/1796300000000-user-directory.migration';

/** The identity context's tables, to run with the other libraries' migrations. */
export const identityMigrations = [IdentityUserDirectory1796300000000] as const;

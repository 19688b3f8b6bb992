import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';

export type MigrationClass = new () => MigrationInterface;
type EntityList = NonNullable<DataSourceOptions['entities']>;

export type ReadStoreDataSourceOptions = {
  readonly url: string;
  readonly entities?: EntityList;
  /** Every library's list, e.g. `[...eventStoreMigrations, ...readStoreMigrations]`; order is by timestamp. */
  readonly migrations?: readonly MigrationClass[];
  /**
   * TypeORM query logging prints statement parameters, which can hold personal values, through
   * its own console logger (no redaction): leave it off outside local debugging.
   */
  readonly logging?: boolean;
  readonly poolSize?: number;
  readonly applicationName?: string;
};

/** One table records the migrations of every library, so one run migrates the whole app. */
export const MIGRATIONS_TABLE = 'custodia_migrations';

/**
 * The PostgreSQL data source shared by the read side (and, through composed migrations, the
 * event store's tables). The schema only ever changes through checked-in migrations.
 */
export const createReadStoreDataSource = (options: ReadStoreDataSourceOptions): DataSource =>
  new DataSource({
    type: 'postgres',
    url: options.url,
    applicationName: options.applicationName ?? 'custodia',
    entities: options.entities ?? [],
    migrations: [...(options.migrations ?? [])],
    migrationsTableName: MIGRATIONS_TABLE,
    // Each migration commits on its own and may opt out (`transaction = false`) for work such
    // as CREATE INDEX CONCURRENTLY on a large read model.
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: false,
    dropSchema: false,
    logging: options.logging ?? false,
    ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
  });

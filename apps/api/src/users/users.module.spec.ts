import { ConfigError, loadConfig } from '@custodia/platform';
import { bootstrapAdminId } from './users.module';

describe(bootstrapAdminId.name, () => {
  it('defaults to "admin" on the embedded default, so a newcomer can act at once', () => {
    expect(bootstrapAdminId(loadConfig({}))).toBe('admin');
  });

  it('has no default in a deployment (DATABASE_URL)', () => {
    expect(bootstrapAdminId(loadConfig({ DATABASE_URL: 'postgres://db/c' }))).toBeUndefined();
  });

  it('takes BOOTSTRAP_ADMIN_ID, and refuses one that is not a valid user id', () => {
    expect(bootstrapAdminId(loadConfig({ BOOTSTRAP_ADMIN_ID: 'ops.lead' }))).toBe('ops.lead');
    expect(() => bootstrapAdminId(loadConfig({ BOOTSTRAP_ADMIN_ID: 'ops@example.com' }))).toThrow(
      ConfigError,
    );
  });
});

import { ConfigError, loadConfig } from '@custodia/platform';
import { AuthModule } from './auth.module';

describe(AuthModule.name, () => {
  it('refuses to start a deployment (DATABASE_URL) without a way to verify tokens', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://db.example/custodia' });
    expect(() => AuthModule.register(config)).toThrow(ConfigError);
    expect(() => AuthModule.register(config)).toThrow(
      'Invalid configuration: AUTH_JWT_SECRET or AUTH_JWKS_URL is required when DATABASE_URL is set',
    );
  });

  it('starts with either a secret or a JWKS URL', () => {
    const secret = loadConfig({ DATABASE_URL: 'postgres://db/c', AUTH_JWT_SECRET: 'x'.repeat(32) });
    const jwks = loadConfig({ DATABASE_URL: 'postgres://db/c', AUTH_JWKS_URL: 'https://idp/jwks' });
    expect(AuthModule.register(secret).module).toBe(AuthModule);
    expect(AuthModule.register(jwks).module).toBe(AuthModule);
  });
});

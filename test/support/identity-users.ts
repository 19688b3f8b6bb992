import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { Role } from '@custodia/identity';
import { tokenFor } from './identity-tokens';

export type TestUser = {
  readonly id: string;
  readonly displayName: string;
  readonly roles: Role[];
  readonly team: string | null;
};

/** One user per role (and a second sales rep in another team), registered in setup. */
export const ROLE_USERS = {
  sales: { id: 'rep.east', displayName: '赵敏', roles: ['sales'], team: 'east' },
  otherSales: { id: 'rep.north', displayName: '钱程', roles: ['sales'], team: 'north' },
  salesManager: { id: 'mgr.east', displayName: '孙丽', roles: ['sales_manager'], team: 'east' },
  finance: { id: 'fin', displayName: '李财', roles: ['finance'], team: null },
  auditor: { id: 'aud', displayName: '周审', roles: ['auditor'], team: null },
  dpo: { id: 'dpo', displayName: '吴护', roles: ['dpo'], team: null },
} as const satisfies Record<string, TestUser>;

export type RoleUserKey = keyof typeof ROLE_USERS;

/** Registers `users` through POST /v1/users as `adminToken` and mints a token for each. */
export const registerUsers = async <K extends string>(
  app: NestExpressApplication,
  adminToken: string,
  users: Readonly<Record<K, TestUser>>,
): Promise<Record<K, string>> => {
  const tokens = {} as Record<K, string>;
  for (const [key, user] of Object.entries(users) as [K, TestUser][]) {
    await request(app.getHttpServer())
      .post('/v1/users')
      .auth(adminToken, { type: 'bearer' })
      .send(user)
      .expect(201, { id: user.id });
    tokens[key] = await tokenFor(user.id);
  }
  return tokens;
};

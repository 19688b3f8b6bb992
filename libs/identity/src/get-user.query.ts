import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { User } from './user.decider';
import { UserRepository } from './user.repository';

/** One user as the log has them now (strongly consistent), or undefined. */
export class GetUserQuery extends Query<User | undefined> {
  constructor(readonly userId: string) {
    super();
  }
}

@QueryHandler(GetUserQuery)
export class GetUserHandler implements IQueryHandler<GetUserQuery> {
  constructor(private readonly users: UserRepository) {}

  async execute({ userId }: GetUserQuery): Promise<User | undefined> {
    const { state } = await this.users.load(userId);
    return state ?? undefined;
  }
}

import type { Realtime } from '../events/realtime';
import type { GraphQLContext } from '../graphql/context';
import type { Services } from './services';

/**
 * The limits of the operations that need no sign-in (server/guards.ts implements them): sign-in
 * attempts per address and account, and satisfaction survey requests per address and token.
 */
export interface SignInGuard {
  /** Seconds to wait before this IP may try this email again, or 0. */
  login(ip: string, email: string): number;
  /** Counts a request about a survey; seconds to wait when this IP or token is over its limit, or 0. */
  survey(ip: string, token: string): Promise<number>;
}

/** Everything a resolver gets for one HTTP request or one subscription event. */
export interface RequestContext extends GraphQLContext {
  services: Services;
  realtime: Realtime;
  guards: SignInGuard;
}

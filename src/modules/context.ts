import type { Realtime } from '../events/realtime';
import type { GraphQLContext } from '../graphql/context';
import type { Services } from './services';

/** Sign-in attempts, limited per address and account (server/guards.ts implements it). */
export interface SignInGuard {
  /** Seconds to wait before this IP may try this email again, or 0. */
  login(ip: string, email: string): number;
}

/** Everything a resolver gets for one HTTP request or one subscription event. */
export interface RequestContext extends GraphQLContext {
  services: Services;
  realtime: Realtime;
  guards: SignInGuard;
}

import { AuthService } from './auth/auth.service';
import type { SessionTokens } from './auth/session-token';

/** The domain services, created once per process and shared by every request. */
export interface Services {
  auth: AuthService;
}

export interface ServiceDependencies {
  sessions: SessionTokens;
}

export function createServices(deps: ServiceDependencies): Services {
  return {
    auth: new AuthService(deps.sessions),
  };
}

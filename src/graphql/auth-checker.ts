import { GraphQLError } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import { Role } from '../modules/common/role';
import type { GraphQLContext } from './context';
import { hasAnyRole, type Viewer } from '../modules/common/viewer';

export function unauthenticated(
  message = 'Sign in first: send "Authorization: Bearer <token>"',
): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

export function forbidden(roles: readonly Role[]): GraphQLError {
  return new GraphQLError(
    `Not allowed: requires one of ${[...roles, Role.ADMIN].filter(unique).join(', ')}`,
    {
      extensions: { code: 'FORBIDDEN' },
    },
  );
}

function unique<T>(value: T, index: number, all: T[]): boolean {
  return all.indexOf(value) === index;
}

/** Throws unless the viewer holds one of the roles (ADMIN always passes). */
export function requireRole(viewer: Viewer | undefined, roles: readonly Role[]): Viewer {
  if (!viewer) throw unauthenticated();
  if (roles.length > 0 && !hasAnyRole(viewer, roles)) throw forbidden(roles);
  return viewer;
}

/**
 * `@Authorized()` needs a signed-in viewer; `@Authorized(roles)` needs one of those roles.
 * Errors carry the contract's codes (UNAUTHENTICATED, FORBIDDEN).
 */
export const authChecker: AuthChecker<GraphQLContext, Role> = ({ context }, roles) => {
  requireRole(context.viewer, roles);
  return true;
};

/**
 * The viewer of a resolver whose `@Authorized` rule has already passed: the rule lives in the
 * decorator only (over `Permissions`), so resolvers do not restate it.
 */
export function signedIn(context: { viewer: Viewer | undefined }): Viewer {
  if (!context.viewer) throw unauthenticated();
  return context.viewer;
}

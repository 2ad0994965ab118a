import { Role } from './role';

/** Who is making a request: an employee signed in with a session token, or an API token. */
export interface Viewer {
  employeeId: number;
  roles: ReadonlySet<Role>;
  via: 'session' | 'apiToken';
  apiTokenId?: number;
}

/** Whether the viewer holds one of the roles (ADMIN holds them all). */
export function hasAnyRole(viewer: Viewer, roles: readonly Role[]): boolean {
  return viewer.roles.has(Role.ADMIN) || roles.some((role) => viewer.roles.has(role));
}

import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * What a service method needs of the request (or job, or seed) that calls it: its entity
 * manager. The service opens its own transaction on it; a resolver hands over its whole context
 * and never touches the entity manager itself.
 */
export interface RequestScope {
  em: EntityManager;
}

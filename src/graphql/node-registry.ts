import { ROW_ENTITY } from '../read/rows';
import type { GraphQLContext } from './context';
import type { Role } from '../modules/common/role';

/**
 * Every type that implements `Node` registers here: how to recognise its objects, and how to load
 * them by primary key (batched) for `node(id:)` and `nodes(ids:)`.
 */
export interface NodeTypeRegistration {
  typeName: string;
  /** The entity class whose instances resolve to this GraphQL type. */
  entity: abstract new (...args: never[]) => object;
  /** Roles that may fetch it through `node`; empty means every signed-in viewer. */
  roles: readonly Role[];
  load(context: GraphQLContext, key: number): Promise<object | null>;
}

const registrations = new Map<string, NodeTypeRegistration>();

export function registerNodeType(registration: NodeTypeRegistration): void {
  registrations.set(registration.typeName, registration);
}

export function nodeRegistration(typeName: string): NodeTypeRegistration | undefined {
  return registrations.get(typeName);
}

export function nodeTypeNameOf(value: object): string | undefined {
  const rowEntity = (value as { [ROW_ENTITY]?: unknown })[ROW_ENTITY];
  for (const registration of registrations.values()) {
    if (rowEntity === registration.entity || value instanceof registration.entity)
      return registration.typeName;
  }
  return undefined;
}

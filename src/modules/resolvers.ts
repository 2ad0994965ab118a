import type { NonEmptyArray } from 'type-graphql';
import { NodeQueryResolver } from '../graphql/node.resolver';
import { AuthResolver } from './auth/auth.resolver';
import { EmployeeResolver } from './employees/employee.resolver';

/** Every resolver in the schema. A new module's resolvers are added here. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [
  NodeQueryResolver,
  AuthResolver,
  EmployeeResolver,
];

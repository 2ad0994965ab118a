import { Resolver } from 'type-graphql';
import { registerNodeType } from '../../graphql/node-registry';
import { NodeResolver } from '../../graphql/relay';
import { Employee } from './employee.entity';
import { EmployeeObject } from './employee.types';

registerNodeType({
  typeName: 'Employee',
  entity: Employee,
  roles: [],
  load: (context, id) => context.em.findOne(Employee, { id }),
});

@Resolver(() => EmployeeObject)
export class EmployeeResolver extends NodeResolver(EmployeeObject, 'Employee') {}

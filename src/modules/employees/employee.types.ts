import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../graphql/relay';
import { Role } from '../auth/role';
import { EmployeeStatus } from './employee.entity';

registerEnumType(EmployeeStatus, {
  name: 'EmployeeStatus',
  description: 'Where an employee stands in their employment.',
  valuesConfig: {
    ACTIVE: { description: 'Working here; may sign in.' },
    ON_LEAVE: { description: 'Employed but away; may sign in.' },
    TERMINATED: { description: 'No longer works here; cannot sign in, holds no live connection.' },
  },
});

@ObjectType('Employee', {
  implements: Node,
  description: 'A person who works here and may sign in to Backdesk.',
})
export class EmployeeObject extends Node {
  @Field(() => String, { description: 'Full name.' })
  name!: string;

  @Field(() => String, { description: 'Work email address, used to sign in (lower-case).' })
  email!: string;

  @Field(() => String, { nullable: true, description: 'Job title.' })
  title!: string | null;

  @Field(() => EmployeeStatus, { description: 'Employment status.' })
  status!: EmployeeStatus;

  @Field(() => [Role], { description: 'Access roles.' })
  roles!: Role[];

  @Field(() => Date, { description: 'When the record was created.' })
  createdAt!: Date;
}

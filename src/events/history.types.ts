import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One recorded change in the history of an object, from the event log.' })
export class HistoryEntry {
  @Field(() => String, {
    description: 'The position of this change in the event log (also a subscription cursor).',
  })
  cursor!: string;

  @Field(() => String, { description: 'What happened, such as "PLACED" or "STATUS_CHANGED".' })
  type!: string;

  @Field(() => Date, { description: 'When the change was committed.' })
  occurredAt!: Date;

  /**
   * Who made the change (an employee's id); null for the system. The GraphQL field `actor`, the
   * employee, is resolved by the employees module (`HistoryActorResolver`).
   */
  actorId!: number | null;

  @Field(() => GraphQLJSONObject, {
    description: 'The details of the change, such as {"from": "PLACED", "to": "PICKING"}.',
  })
  data!: Record<string, unknown>;
}

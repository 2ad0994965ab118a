import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/relay';

/** A job's state, as the job queue (pg-boss) keeps it. */
export enum JobState {
  CREATED = 'CREATED',
  RETRY = 'RETRY',
  ACTIVE = 'ACTIVE',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
  FAILED = 'FAILED',
}

registerEnumType(JobState, {
  name: 'JobState',
  description: 'Where a background job stands in the job queue.',
  valuesConfig: {
    CREATED: { description: 'Queued: it runs at `runAt` or as soon as a worker is free after it.' },
    RETRY: { description: 'A run failed (`lastError`); it runs again at `runAt`.' },
    ACTIVE: { description: 'A worker is running it now.' },
    COMPLETED: { description: 'It ran to the end.' },
    CANCELLED: { description: 'It was cancelled before it completed.' },
    FAILED: { description: 'Its last allowed run failed (`lastError`); it will not run again.' },
  },
});

@ObjectType('Job', {
  description:
    'A unit of background work in the job queue: sending one email, a sweep of the support desk. Jobs stay listed for a week after they end.',
})
export class JobObject {
  @Field(() => ID, { description: "The job's opaque ID." })
  id!: string;

  @Field(() => String, {
    description: 'What kind of job it is, such as `mail.send` or `support.sla-sweep`.',
  })
  name!: string;

  @Field(() => JobState, { description: 'Where it stands.' })
  state!: JobState;

  @Field(() => Int, { description: 'How many runs have started, retries included.' })
  attempts!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Why the last run failed, while the job is RETRY or FAILED; null otherwise.',
  })
  lastError!: string | null;

  @Field(() => Date, {
    description: 'The earliest time it runs, or ran (for a retry: when the retry is due).',
  })
  runAt!: Date;

  @Field(() => Date, { description: 'When it was queued.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When its latest run started; null before.' })
  startedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When it completed, failed for good or was cancelled; null until then.',
  })
  completedAt!: Date | null;
}

export const JobConnection = Connection(JobObject, 'Job', 'job');

@InputType({ description: 'Which jobs to list.' })
export class JobFilter {
  @Field(() => JobState, { nullable: true, description: 'Only jobs in this state.' })
  @IsOptional()
  state?: JobState | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only jobs of this kind, such as `mail.send` (the exact name).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string | null;
}

import { ArrayMaxSize, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../graphql/relay';
import { CalendarDateScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { Role } from '../common/role';
import { DepartmentObject, EmployeeObject } from '../employees/employee.types';
import { TrainingStatus } from './training.service';

export const TRAINING_MANAGERS = 'Requires one of: HR, ADMIN.';
export const OWN_TRAINING_RULE =
  'Requires one of: HR, ADMIN, or being the employee themself; anyone else gets FORBIDDEN.';

registerEnumType(TrainingStatus, {
  name: 'TrainingStatus',
  description: 'Where an employee stands on a course required for them.',
  valuesConfig: {
    COMPLIANT: {
      description: 'Completed, and valid beyond the due window (or never expiring).',
    },
    DUE: { description: 'Completed, and expiring within the due window (today included).' },
    EXPIRED: { description: 'The latest completion expired before today.' },
    MISSING: { description: 'Never completed.' },
  },
});

@ObjectType('Course', {
  implements: Node,
  description: 'A training course, and for whom it is required.',
})
export class CourseObject extends Node {
  @Field(() => String, { description: 'A unique name.' })
  name!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'How many months a completion stays valid; null: it never expires.',
  })
  validityMonths!: number | null;

  @Field(() => [Role], { description: 'It is required for the holders of these roles.' })
  requiredForRoles!: Role[];

  @Field(() => [DepartmentObject], {
    description: 'It is required for the employees of these departments and their sub-departments.',
  })
  requiredForDepartments!: unknown[];
}

@ObjectType('TrainingCompletion', {
  implements: Node,
  description: `A course completed by an employee. A renewal is a new completion; the latest per employee and course is the one in force. ${OWN_TRAINING_RULE}`,
})
export class TrainingCompletionObject extends Node {
  @Field(() => EmployeeObject, { description: 'Who completed it.' })
  employee!: unknown;

  @Field(() => CourseObject, { description: 'The course.' })
  course!: unknown;

  @Field(() => CalendarDateScalar, { description: 'When it was completed.' })
  completedOn!: string;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description:
      "The last day it is valid: `completedOn` plus the course's validity (a day past the month's end becomes its last day); null: never expires.",
  })
  expiresOn!: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Days from today to `expiresOn` (0: expires today, negative: expired); null: never expires.',
  })
  daysUntilExpiry!: number | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who recorded it.' })
  recordedBy!: unknown;

  @Field(() => Date, { description: 'When it was recorded.' })
  createdAt!: Date;
}

@ObjectType('TrainingMatrixEntry', {
  description: 'One employee and one course required for them, with where they stand.',
})
export class TrainingMatrixEntryObject {
  @Field(() => EmployeeObject, { description: 'The employee.' })
  employee!: unknown;

  @Field(() => CourseObject, { description: 'A course required for them.' })
  course!: unknown;

  @Field(() => TrainingStatus, { description: 'Where they stand on it today.' })
  status!: TrainingStatus;

  @Field(() => TrainingCompletionObject, {
    nullable: true,
    description: 'Their latest completion (null: MISSING).',
  })
  latestCompletion!: unknown;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'When the latest completion expires (null: missing or never expires).',
  })
  expiresOn!: string | null;
}

@InputType({ description: 'Which rows of the training matrix to show.' })
export class TrainingMatrixFilter {
  @Field(() => ID, {
    nullable: true,
    description: 'Only employees of this department and its sub-departments.',
  })
  @IsOptional()
  @IsString()
  departmentId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only this course.' })
  @IsOptional()
  @IsString()
  courseId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only this employee.' })
  @IsOptional()
  @IsString()
  employeeId?: string | null;

  @Field(() => TrainingStatus, { nullable: true, description: 'Only rows with this status.' })
  @IsOptional()
  status?: TrainingStatus | null;
}

@InputType({ description: 'A new training course.' })
export class CreateCourseInput {
  @Field(() => String, { description: 'A unique name.' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'How many months a completion stays valid (1 to 600); null: never expires.',
  })
  @IsOptional()
  @IsInt()
  validityMonths?: number | null;

  @Field(() => [Role], {
    nullable: true,
    description: 'It is required for the holders of these roles.',
  })
  @IsOptional()
  @ArrayMaxSize(20)
  requiredForRoles?: Role[] | null;

  @Field(() => [ID], {
    nullable: true,
    description: 'It is required for the employees of these departments and their sub-departments.',
  })
  @IsOptional()
  @ArrayMaxSize(100)
  requiredForDepartmentIds?: string[] | null;
}

@ObjectType({ description: 'The result of `createCourse`.' })
export class CreateCoursePayload {
  @Field(() => CourseObject, { nullable: true, description: 'The new course.' })
  course?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `NAME_TAKEN`, `NOT_FOUND`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'A course an employee completed.' })
export class RecordTrainingCompletionInput {
  @Field(() => ID, { description: 'The employee.' })
  @IsString()
  employeeId!: string;

  @Field(() => ID, { description: 'The course.' })
  @IsString()
  courseId!: string;

  @Field(() => CalendarDateScalar, { description: 'When it was completed (today or before).' })
  completedOn!: string;
}

@ObjectType({ description: 'The result of `recordTrainingCompletion`.' })
export class RecordTrainingCompletionPayload {
  @Field(() => TrainingCompletionObject, { nullable: true, description: 'The new completion.' })
  trainingCompletion?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`).' })
  userErrors!: UserError[];
}

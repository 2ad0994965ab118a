import {
  ArrayMaxSize,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../graphql/relay';
import { CalendarDateScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { EmployeeObject } from '../employees/employee.types';
import { ChecklistAssigneeRole, ChecklistKind } from './checklist.entity';

export const CHECKLIST_READERS =
  "Requires one of: HR, ADMIN, or being the employee or the employee's manager.";
const HR_ONLY = 'Requires one of: HR, ADMIN.';

registerEnumType(ChecklistKind, {
  name: 'ChecklistKind',
  description: 'What a checklist accompanies.',
  valuesConfig: {
    ONBOARDING: {
      description: 'A hire: made when the employee is hired; due dates from the hire date.',
    },
    OFFBOARDING: {
      description: 'A leaving: made when the employee is terminated; due dates from the last day.',
    },
  },
});

registerEnumType(ChecklistAssigneeRole, {
  name: 'ChecklistAssigneeRole',
  description:
    'Who does a checklist item (a checklist role, not a sign-in role). HR and ADMIN may do any item.',
  valuesConfig: {
    HR: { description: 'HR.' },
    IT_SUPPORT: {
      description: 'IT support (IT_SUPPORT; HR may too).',
    },
    MANAGER: { description: "The employee's manager." },
    EMPLOYEE: { description: 'The employee themself.' },
  },
});

@ObjectType('ChecklistTemplateItem', {
  description: `One item of a checklist template. ${HR_ONLY}`,
})
export class ChecklistTemplateItemObject {
  @Field(() => String, { description: 'What is to be done.' })
  title!: string;

  @Field(() => ChecklistAssigneeRole, { description: 'Who does it.' })
  assigneeRole!: ChecklistAssigneeRole;

  @Field(() => Int, {
    description:
      'When it is due, in days from the hire date (onboarding) or the last day (offboarding); negative is before.',
  })
  dueOffsetDays!: number;

  @Field(() => Boolean, {
    description:
      "Whether it blocks the checklist's end: while it is open, the last of the other open items cannot be done.",
  })
  blocking!: boolean;
}

@ObjectType('ChecklistTemplate', {
  implements: Node,
  description: `The items that hiring (onboarding) or terminating (offboarding) copies into a new checklist. ${HR_ONLY}`,
})
export class ChecklistTemplateObject extends Node {
  @Field(() => String, { description: 'A unique name.' })
  name!: string;

  @Field(() => ChecklistKind, { description: 'Which checklists it makes.' })
  kind!: ChecklistKind;

  @Field(() => Boolean, {
    description:
      'Whether new checklists of its kind are copied from it (exactly one template per kind).',
  })
  isDefault!: boolean;

  @Field(() => [ChecklistTemplateItemObject], { description: 'Its items, in order.' })
  items!: ChecklistTemplateItemObject[];
}

@ObjectType('ChecklistItem', {
  implements: Node,
  description: `One item of an employee's checklist. ${CHECKLIST_READERS}`,
})
export class ChecklistItemObject extends Node {
  @Field(() => String, { description: 'What is to be done.' })
  title!: string;

  @Field(() => ChecklistAssigneeRole, { description: 'Who does it.' })
  assigneeRole!: ChecklistAssigneeRole;

  @Field(() => CalendarDateScalar, { description: 'When it is due.' })
  dueDate!: string;

  @Field(() => Boolean, { description: 'Whether it is done.' })
  done!: boolean;

  @Field(() => Boolean, {
    description:
      "Whether it blocks the checklist's end: while it is open, the last of the other open items cannot be done (`CHECKLIST_BLOCKED`).",
  })
  blocking!: boolean;

  @Field(() => Date, { nullable: true, description: 'When it was done.' })
  doneAt!: Date | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who did it.' })
  doneBy!: unknown;

  @Field(() => ChecklistObject, { description: 'The checklist it belongs to.' })
  checklist!: unknown;
}

@ObjectType('Checklist', {
  implements: Node,
  description: `An employee's onboarding or offboarding checklist (one per kind), copied from the default template when they were hired or terminated. ${CHECKLIST_READERS}`,
})
export class ChecklistObject extends Node {
  @Field(() => ChecklistKind, { description: 'Onboarding or offboarding.' })
  kind!: ChecklistKind;

  @Field(() => EmployeeObject, { description: 'Whose checklist it is.' })
  employee!: unknown;

  @Field(() => CalendarDateScalar, {
    description:
      'The hire date (onboarding) or the last day (offboarding): due dates count from it.',
  })
  anchorDate!: string;

  @Field(() => [ChecklistItemObject], { description: 'Its items, in order.' })
  items!: unknown[];

  @Field(() => Boolean, {
    description: 'Whether every item is done. A complete checklist is final.',
  })
  complete!: boolean;

  @Field(() => Date, { nullable: true, description: 'When its last item was done.' })
  completedAt!: Date | null;
}

@InputType({ description: 'Which checklists to list.' })
export class ChecklistFilter {
  @Field(() => ID, { nullable: true, description: "Only this employee's checklists." })
  @IsOptional()
  @IsString()
  employeeId?: string | null;

  @Field(() => ChecklistKind, { nullable: true, description: 'Only checklists of this kind.' })
  @IsOptional()
  kind?: ChecklistKind | null;
}

@InputType({ description: 'One item of a checklist template.' })
export class ChecklistTemplateItemInput {
  @Field(() => String, { description: 'What is to be done (1 to 300 characters).' })
  @IsString()
  @MaxLength(300)
  title!: string;

  @Field(() => ChecklistAssigneeRole, { description: 'Who does it.' })
  assigneeRole!: ChecklistAssigneeRole;

  @Field(() => Int, {
    description:
      'When it is due, in days from the hire date or last day (-366 to 366; negative is before).',
  })
  @IsInt()
  dueOffsetDays!: number;

  @Field(() => Boolean, {
    defaultValue: false,
    description: "Whether it blocks the checklist's end (see `ChecklistItem.blocking`).",
  })
  @IsBoolean()
  blocking!: boolean;
}

@InputType({ description: 'A new checklist template.' })
export class CreateChecklistTemplateInput {
  @Field(() => String, { description: 'A unique name.' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => ChecklistKind, { description: 'Which checklists it makes.' })
  kind!: ChecklistKind;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Make it the default of its kind (the previous default stops being one).',
  })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean | null;

  @Field(() => [ChecklistTemplateItemInput], { description: 'Its items (1 to 50), in order.' })
  @ValidateNested({ each: true })
  @ArrayMaxSize(50)
  items!: ChecklistTemplateItemInput[];
}

@InputType({
  description: 'Changes to a checklist template; existing checklists keep their items as they are.',
})
export class UpdateChecklistTemplateInput {
  @Field(() => ID, { description: 'The template.' })
  @IsString()
  templateId!: string;

  @Field(() => String, { nullable: true, description: 'A new unique name.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'True makes it the default of its kind. The default cannot be unset; make another template the default instead.',
  })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean | null;

  @Field(() => [ChecklistTemplateItemInput], {
    nullable: true,
    description: 'Its new items (1 to 50), replacing the old ones.',
  })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(50)
  items?: ChecklistTemplateItemInput[] | null;
}

@ObjectType({ description: 'The result of `createChecklistTemplate`.' })
export class CreateChecklistTemplatePayload {
  @Field(() => ChecklistTemplateObject, { nullable: true, description: 'The new template.' })
  checklistTemplate?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`INVALID_INPUT`, `NAME_TAKEN`).' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `updateChecklistTemplate`.' })
export class UpdateChecklistTemplatePayload {
  @Field(() => ChecklistTemplateObject, { nullable: true, description: 'The template.' })
  checklistTemplate?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `NAME_TAKEN`, `NOT_FOUND`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'A checklist item to mark done.' })
export class CompleteChecklistItemInput {
  @Field(() => ID, { description: 'The item.' })
  @IsString()
  itemId!: string;
}

@ObjectType({ description: 'The result of `completeChecklistItem`.' })
export class CompleteChecklistItemPayload {
  @Field(() => ChecklistObject, { nullable: true, description: 'The checklist of the item.' })
  checklist?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`NOT_FOUND`, `INVALID_TRANSITION`, `CHECKLIST_BLOCKED`, `ASSETS_OUTSTANDING`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'A done checklist item to open again.' })
export class ReopenChecklistItemInput {
  @Field(() => ID, { description: 'The item.' })
  @IsString()
  itemId!: string;
}

@ObjectType({ description: 'The result of `reopenChecklistItem`.' })
export class ReopenChecklistItemPayload {
  @Field(() => ChecklistObject, { nullable: true, description: 'The checklist of the item.' })
  checklist?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`NOT_FOUND`, `INVALID_TRANSITION`).',
  })
  userErrors!: UserError[];
}

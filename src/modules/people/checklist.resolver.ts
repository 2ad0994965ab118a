import { GraphQLError } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { signedIn } from '../../graphql/auth-checker';
import { parseGlobalId } from '../../graphql/global-id';
import { registerNodeType } from '../../graphql/node-registry';
import { NodeResolver } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-error';
import { readById, type Row } from '../../read';
import { Permissions } from '../auth/permissions';
import type { RequestContext } from '../context';
import { employeeRows } from '../employees/employee.reads';
import { EmployeeObject } from '../employees/employee.types';
import {
  Checklist,
  ChecklistItem,
  ChecklistKind,
  ChecklistTemplate,
  type ChecklistTemplateItem,
} from './checklist.entity';
import {
  checklistList,
  itemsOfChecklist,
  itemsOfTemplate,
  overdueItems,
  templateList,
} from './checklist.reads';
import { ChecklistItemForbidden, seesAllChecklists } from './checklist.service';
import {
  ChecklistFilter,
  ChecklistItemObject,
  ChecklistObject,
  ChecklistTemplateItemObject,
  ChecklistTemplateObject,
  CompleteChecklistItemInput,
  CompleteChecklistItemPayload,
  CreateChecklistTemplateInput,
  CreateChecklistTemplatePayload,
  ReopenChecklistItemInput,
  ReopenChecklistItemPayload,
  UpdateChecklistTemplateInput,
  UpdateChecklistTemplatePayload,
} from './checklist.types';

const HR = Permissions.people.checklists;

// `node(id:)` answers HR and ADMIN; employees and managers read checklists through `checklists`.
registerNodeType({
  typeName: 'ChecklistTemplate',
  entity: ChecklistTemplate,
  roles: HR,
  load: (context, id) => readById(context, ChecklistTemplate, id),
});
registerNodeType({
  typeName: 'Checklist',
  entity: Checklist,
  roles: HR,
  load: (context, id) => readById(context, Checklist, id),
});
registerNodeType({
  typeName: 'ChecklistItem',
  entity: ChecklistItem,
  roles: HR,
  load: (context, id) => readById(context, ChecklistItem, id),
});

/** A refusal to act on another role's item, as the contract's FORBIDDEN error. */
async function orForbidden<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ChecklistItemForbidden)
      throw new GraphQLError(error.message, { extensions: { code: 'FORBIDDEN' } });
    throw error;
  }
}

@Resolver(() => ChecklistTemplateObject)
export class ChecklistTemplateResolver extends NodeResolver(
  ChecklistTemplateObject,
  'ChecklistTemplate',
) {
  @Authorized(...HR)
  @Query(() => [ChecklistTemplateObject], {
    description: 'Checklist templates, by kind then name. Requires one of: HR, ADMIN.',
  })
  checklistTemplates(
    @Arg('kind', () => ChecklistKind, {
      nullable: true,
      description: 'Only templates of this kind.',
    })
    kind: ChecklistKind | null,
    @Ctx() context: RequestContext,
  ) {
    return templateList(context, kind ?? null);
  }

  @Authorized(...HR)
  @Mutation(() => CreateChecklistTemplatePayload, {
    description:
      'Adds a checklist template, the default of its kind if asked (`INVALID_INPUT`, `NAME_TAKEN`). Requires one of: HR, ADMIN.',
  })
  createChecklistTemplate(
    @Arg('input', () => CreateChecklistTemplateInput, { description: 'The template.' })
    input: CreateChecklistTemplateInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(async () => ({
      checklistTemplate: await context.services.checklists.createTemplate(context, viewer, input),
    }));
  }

  @Authorized(...HR)
  @Mutation(() => UpdateChecklistTemplatePayload, {
    description:
      "Renames a checklist template, makes it its kind's default or replaces its items; checklists made before keep theirs (`INVALID_INPUT`, `NAME_TAKEN`, `NOT_FOUND`). Requires one of: HR, ADMIN.",
  })
  updateChecklistTemplate(
    @Arg('input', () => UpdateChecklistTemplateInput, { description: 'The changes.' })
    input: UpdateChecklistTemplateInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const templateId = parseGlobalId(input.templateId, 'ChecklistTemplate', 'input.templateId');
    return toPayload(async () => ({
      checklistTemplate: await context.services.checklists.updateTemplate(
        context,
        viewer,
        templateId,
        input,
      ),
    }));
  }

  @FieldResolver(() => [ChecklistTemplateItemObject], { description: 'Its items, in order.' })
  async items(
    @Root() template: Row<ChecklistTemplate>,
    @Ctx() context: RequestContext,
  ): Promise<ChecklistTemplateItemObject[]> {
    return (await itemsOfTemplate.load(context, template.id)).map(
      (item: ChecklistTemplateItem) => ({
        title: item.title,
        assigneeRole: item.assigneeRole,
        dueOffsetDays: item.dueOffsetDays,
        blocking: item.blocking,
      }),
    );
  }
}

@Resolver(() => ChecklistObject)
export class ChecklistResolver extends NodeResolver(ChecklistObject, 'Checklist') {
  @Authorized()
  @Query(() => [ChecklistObject], {
    description:
      "Checklists, by employee name: HR, IT_SUPPORT and ADMIN see everyone's, others their own and their direct reports'.",
  })
  checklists(
    @Arg('filter', () => ChecklistFilter, { nullable: true, description: 'Which checklists.' })
    filter: ChecklistFilter | null,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const employeeId = filter?.employeeId
      ? parseGlobalId(filter.employeeId, 'Employee', 'filter.employeeId')
      : null;
    return checklistList(
      context,
      {
        ...(employeeId === null ? {} : { employee: employeeId }),
        ...(filter?.kind ? { kind: filter.kind } : {}),
      },
      seesAllChecklists(viewer) ? null : viewer.employeeId,
    );
  }

  @Authorized(...HR)
  @Query(() => [ChecklistItemObject], {
    description:
      'Open items past their due date of checklists not complete yet, oldest due first (at most 500): blocking ones only unless `blockingOnly` is false. Requires one of: HR, ADMIN.',
  })
  overdueChecklistItems(
    @Arg('kind', () => ChecklistKind, {
      nullable: true,
      description: 'Only checklists of this kind.',
    })
    kind: ChecklistKind | null,
    @Arg('blockingOnly', () => Boolean, {
      defaultValue: true,
      description: 'Only blocking items (the default).',
    })
    blockingOnly: boolean,
    @Ctx() context: RequestContext,
  ) {
    return overdueItems(context, context.services.checklists.today(), {
      kind: kind ?? null,
      blockingOnly,
    });
  }

  @Authorized()
  @Mutation(() => CompleteChecklistItemPayload, {
    description:
      "Marks a checklist item done. HR and ADMIN may do any item, IT_SUPPORT the IT_SUPPORT items, the employee's manager MANAGER items, the employee EMPLOYEE items; anyone else who sees the checklist gets FORBIDDEN. An item that waits for an asset is done by checking the asset in (`ASSETS_OUTSTANDING`; also `NOT_FOUND`, `INVALID_TRANSITION`, `CHECKLIST_BLOCKED`). Requires one of: HR, IT_SUPPORT, ADMIN, or being the employee or their manager.",
  })
  completeChecklistItem(
    @Arg('input', () => CompleteChecklistItemInput, { description: 'The item.' })
    input: CompleteChecklistItemInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const itemId = parseGlobalId(input.itemId, 'ChecklistItem', 'input.itemId');
    return orForbidden(() =>
      toPayload(async () => ({
        checklist: await context.services.checklists.completeItem(context, viewer, itemId),
      })),
    );
  }

  @Authorized()
  @Mutation(() => ReopenChecklistItemPayload, {
    description:
      'Opens a done item again, while its checklist is not complete; the same people as `completeChecklistItem` (`NOT_FOUND`, `INVALID_TRANSITION`). Requires one of: HR, ADMIN, or being the employee or their manager.',
  })
  reopenChecklistItem(
    @Arg('input', () => ReopenChecklistItemInput, { description: 'The item.' })
    input: ReopenChecklistItemInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const itemId = parseGlobalId(input.itemId, 'ChecklistItem', 'input.itemId');
    return orForbidden(() =>
      toPayload(async () => ({
        checklist: await context.services.checklists.reopenItem(context, viewer, itemId),
      })),
    );
  }

  @FieldResolver(() => EmployeeObject, { description: 'Whose checklist it is.' })
  employee(@Root() checklist: Row<Checklist>, @Ctx() context: RequestContext) {
    return employeeRows.of(context, checklist.employee);
  }

  @FieldResolver(() => [ChecklistItemObject], { description: 'Its items, in order.' })
  items(@Root() checklist: Row<Checklist>, @Ctx() context: RequestContext) {
    return itemsOfChecklist.load(context, checklist.id);
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether every item is done. A complete checklist is final.',
  })
  complete(@Root() checklist: Row<Checklist>): boolean {
    return checklist.completedAt !== null;
  }
}

@Resolver(() => ChecklistItemObject)
export class ChecklistItemResolver extends NodeResolver(ChecklistItemObject, 'ChecklistItem') {
  @FieldResolver(() => Boolean, { description: 'Whether it is done.' })
  done(@Root() item: Row<ChecklistItem>): boolean {
    return item.doneAt !== null;
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who did it.' })
  doneBy(@Root() item: Row<ChecklistItem>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, item.doneById);
  }

  @FieldResolver(() => ChecklistObject, { description: 'The checklist it belongs to.' })
  checklist(@Root() item: Row<ChecklistItem>, @Ctx() context: RequestContext) {
    return readById(context, Checklist, item.checklist.id);
  }
}

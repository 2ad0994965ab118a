import type { FilterQuery } from '@mikro-orm/core';
import { defineGroupLoader, readList, type ReadContext } from '../../read';
import {
  Checklist,
  ChecklistItem,
  ChecklistTemplate,
  ChecklistTemplateItem,
  type ChecklistKind,
} from './checklist.entity';

/** How checklist templates, checklists and their items read. */

/** Templates (a short configuration list), by kind then name. */
export function templateList(
  context: ReadContext,
  kind: ChecklistKind | null,
): Promise<ChecklistTemplate[]> {
  return readList(context, ChecklistTemplate, kind === null ? {} : { kind }, {
    orderBy: { kind: 'asc', name: 'asc', id: 'asc' },
  });
}

/**
 * Checklists matching `where`, limited to the employees whose checklists the viewer sees (`null`:
 * every employee; otherwise the viewer and their direct reports), by employee then kind.
 */
export function checklistList(
  context: ReadContext,
  where: FilterQuery<Checklist>,
  visibleTo: number | null,
): Promise<Checklist[]> {
  const visible: FilterQuery<Checklist> =
    visibleTo === null
      ? {}
      : { $or: [{ employee: visibleTo }, { employee: { manager: visibleTo } }] };
  return readList(
    context,
    Checklist,
    { $and: [where, visible] },
    { orderBy: { employee: { name: 'asc' }, id: 'asc' } },
  );
}

/**
 * Open items past their due date of checklists that are not complete (blocking ones only, unless
 * asked otherwise), oldest due date first.
 */
export function overdueItems(
  context: ReadContext,
  today: string,
  filter: { kind: ChecklistKind | null; blockingOnly: boolean },
): Promise<ChecklistItem[]> {
  return readList(
    context,
    ChecklistItem,
    {
      doneAt: null,
      dueDate: { $lt: today },
      ...(filter.blockingOnly ? { blocking: true } : {}),
      checklist: { completedAt: null, ...(filter.kind === null ? {} : { kind: filter.kind }) },
    },
    { orderBy: { dueDate: 'asc', id: 'asc' }, limit: 500 },
  );
}

export const itemsOfChecklist = defineGroupLoader<ChecklistItem>(
  'people.itemsOfChecklist',
  (context, ids) =>
    context.em.find(
      ChecklistItem,
      { checklist: { $in: [...ids] } },
      { orderBy: { checklist: 'asc', position: 'asc' } },
    ),
  (item) => item.checklist.id,
);

export const itemsOfTemplate = defineGroupLoader<ChecklistTemplateItem>(
  'people.itemsOfTemplate',
  (context, ids) =>
    context.em.find(
      ChecklistTemplateItem,
      { template: { $in: [...ids] } },
      { orderBy: { template: 'asc', position: 'asc' } },
    ),
  (item) => item.template.id,
);

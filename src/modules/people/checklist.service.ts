import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, isUniqueViolation } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { Permissions } from '../auth/permissions';
import type { Clock } from '../common/clock';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { integerInRange, requiredText } from '../common/input-rules';
import type { RequestScope } from '../common/scope';
import { hasAnyRole, type Viewer } from '../common/viewer';
import type {
  EmployeeService,
  HireListener,
  TerminationListener,
} from '../employees/employee.service';
import { addDays, today } from '../common/calendar-dates';
import {
  Checklist,
  ChecklistAssigneeRole,
  ChecklistItem,
  ChecklistKind,
  ChecklistTemplate,
  ChecklistTemplateItem,
} from './checklist.entity';

/** One item of a template as a client sends it. */
export interface ChecklistTemplateItemDraft {
  title: string;
  assigneeRole: ChecklistAssigneeRole;
  dueOffsetDays: number;
  blocking: boolean;
}

export interface ChecklistTemplateDraft {
  name: string;
  kind: ChecklistKind;
  isDefault?: boolean | null;
  items: ChecklistTemplateItemDraft[];
}

export interface ChecklistTemplateChanges {
  name?: string | null;
  isDefault?: boolean | null;
  items?: ChecklistTemplateItemDraft[] | null;
}

/** What the viewer wants of a checklist item. */
export type ChecklistItemAction = 'complete' | 'reopen';

/**
 * The viewer may see the checklist but not act on this item (another role's item): the resolver
 * answers FORBIDDEN, and nothing changed.
 */
export class ChecklistItemForbidden extends Error {
  constructor(readonly assigneeRole: ChecklistAssigneeRole) {
    super(
      `Not allowed: this ${assigneeRole} item is done by ${
        {
          HR: 'HR',
          IT_SUPPORT: 'IT support',
          MANAGER: "the employee's manager",
          EMPLOYEE: 'the employee',
        }[assigneeRole]
      }, HR or ADMIN`,
    );
    this.name = 'ChecklistItemForbidden';
  }
}

/** The most items a template holds. */
const MAX_ITEMS = 50;
/** Advisory lock namespace for changing the default template of a kind. */
const DEFAULT_TEMPLATE_LOCK = 0x636b6c01;
const HR = Permissions.people.checklists;
const IT = Permissions.people.itChecklistItems;

const field = (...path: string[]) => ['input', ...path];

/** Whether the viewer sees every employee's checklists: HR, IT support and ADMIN. */
export function seesAllChecklists(viewer: Viewer): boolean {
  return hasAnyRole(viewer, [...HR, ...IT]);
}

/**
 * Whether the viewer may see an employee's checklists: HR, IT support and ADMIN, the employee,
 * their manager.
 */
export function mayViewChecklistsOf(
  viewer: Viewer,
  employee: { id: number; manager: { id: number } | null },
): boolean {
  return (
    seesAllChecklists(viewer) ||
    viewer.employeeId === employee.id ||
    employee.manager?.id === viewer.employeeId
  );
}

/**
 * Who does an item: HR and ADMIN any item; IT support IT_SUPPORT items; the employee's manager
 * MANAGER items; the employee EMPLOYEE items.
 */
export function mayActOnItem(
  viewer: Viewer,
  role: ChecklistAssigneeRole,
  employee: { id: number; manager: { id: number } | null },
): boolean {
  if (hasAnyRole(viewer, HR)) return true;
  if (role === ChecklistAssigneeRole.IT_SUPPORT) return hasAnyRole(viewer, IT);
  if (role === ChecklistAssigneeRole.MANAGER) return employee.manager?.id === viewer.employeeId;
  if (role === ChecklistAssigneeRole.EMPLOYEE) return employee.id === viewer.employeeId;
  return false;
}

/**
 * Onboarding and offboarding checklists. The rules a maintainer must keep:
 * - a hire makes the onboarding checklist and a termination the offboarding one, in their own
 *   transaction, from the default template of the kind; one per employee and kind (unique);
 * - a checklist's items are copies: template edits never reach an existing checklist;
 * - `blocking` gates the end of a checklist: while a blocking item is open, the last open
 *   non-blocking item cannot be done (`CHECKLIST_BLOCKED`), so a checklist completes only after
 *   its blocking items (offboarding: "Return all equipment");
 * - a checklist completes when its last item is done, and a complete checklist is final;
 * - item changes lock the checklist row first, so concurrent completions serialize per checklist.
 */
export class ChecklistService implements HireListener, TerminationListener {
  constructor(
    private readonly employees: EmployeeService,
    private readonly clock: Clock,
  ) {}

  /** Today, by the clock (UTC): items due before it are overdue. */
  today(): string {
    return today(this.clock);
  }

  employeeHired(
    tx: EntityManager,
    employee: { id: number; hireDate: string },
    actorId: number | null,
  ): Promise<void> {
    return this.make(tx, employee.id, ChecklistKind.ONBOARDING, employee.hireDate, actorId).then(
      () => undefined,
    );
  }

  employeeTerminated(
    tx: EntityManager,
    employeeId: number,
    actorId: number,
    lastDay: string,
  ): Promise<void> {
    return this.make(tx, employeeId, ChecklistKind.OFFBOARDING, lastDay, actorId).then(
      () => undefined,
    );
  }

  /**
   * The employee's onboarding checklist, made now from the default template if they have none
   * (employees hired before checklists existed; the demo seed).
   */
  async ensureOnboarding({ em }: RequestScope, employeeId: number): Promise<Checklist> {
    return inTransaction(em, async (tx) => {
      const employee = await this.employees.requireExisting(tx, employeeId, field('employeeId'));
      return this.make(tx, employeeId, ChecklistKind.ONBOARDING, employee.hireDate, null);
    });
  }

  async createTemplate(
    { em }: RequestScope,
    viewer: Viewer,
    draft: ChecklistTemplateDraft,
  ): Promise<ChecklistTemplate> {
    const name = requiredText(draft.name, field('name'), 200);
    const items = checkedItems(draft.items);
    return this.namedOnce(name, () =>
      inTransaction(em, async (tx) => {
        if (await tx.count(ChecklistTemplate, { name })) throw nameTaken(name);
        const isDefault = draft.isDefault ?? false;
        if (isDefault) await this.clearDefault(tx, draft.kind);
        const template = tx.create(ChecklistTemplate, { name, kind: draft.kind, isDefault });
        await tx.flush();
        this.writeItems(tx, template, items);
        await tx.flush();
        await recordEvent(tx, {
          streamType: 'ChecklistTemplate',
          streamId: template.id,
          type: 'CREATED',
          payload: { name, kind: draft.kind, isDefault, items: items.length },
          actorId: viewer.employeeId,
        });
        return template;
      }),
    );
  }

  async updateTemplate(
    { em }: RequestScope,
    viewer: Viewer,
    templateId: number,
    changes: ChecklistTemplateChanges,
  ): Promise<ChecklistTemplate> {
    const name = changes.name == null ? null : requiredText(changes.name, field('name'), 200);
    const items = changes.items == null ? null : checkedItems(changes.items);
    return this.namedOnce(name ?? '', () =>
      inTransaction(em, async (tx) => {
        const template = await tx.findOne(
          ChecklistTemplate,
          { id: templateId },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        if (!template)
          throw new BusinessRuleError(
            UserErrorCode.NOT_FOUND,
            'No such checklist template',
            field('templateId'),
          );
        const changed: Record<string, unknown> = {};
        if (name !== null && name !== template.name) {
          if (await tx.count(ChecklistTemplate, { name, id: { $ne: template.id } }))
            throw nameTaken(name);
          changed.name = template.name = name;
        }
        if (changes.isDefault === false && template.isDefault)
          throw new BusinessRuleError(
            UserErrorCode.INVALID_INPUT,
            'Every kind keeps a default template: make another template the default instead',
            field('isDefault'),
          );
        if (changes.isDefault === true && !template.isDefault) {
          await this.clearDefault(tx, template.kind);
          changed.isDefault = template.isDefault = true;
        }
        if (items !== null) {
          await tx.nativeDelete(ChecklistTemplateItem, { template: template.id });
          this.writeItems(tx, template, items);
          changed.items = items.length;
        }
        template.updatedAt = this.clock.now();
        await tx.flush();
        await recordEvent(tx, {
          streamType: 'ChecklistTemplate',
          streamId: template.id,
          type: 'UPDATED',
          payload: changed,
          actorId: viewer.employeeId,
        });
        return template;
      }),
    );
  }

  /** Marks an item done, as the viewer (`CHECKLIST_BLOCKED`, `INVALID_TRANSITION`, `NOT_FOUND`). */
  completeItem(scope: RequestScope, viewer: Viewer, itemId: number): Promise<Checklist> {
    return this.changeItem(scope, viewer, itemId, 'complete');
  }

  /** Undoes a done item of a checklist that is not complete yet (`INVALID_TRANSITION`, `NOT_FOUND`). */
  reopenItem(scope: RequestScope, viewer: Viewer, itemId: number): Promise<Checklist> {
    return this.changeItem(scope, viewer, itemId, 'reopen');
  }

  private async changeItem(
    { em }: RequestScope,
    viewer: Viewer,
    itemId: number,
    action: ChecklistItemAction,
  ): Promise<Checklist> {
    const notFound = () =>
      new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such checklist item', field('itemId'));
    return inTransaction(em, async (tx) => {
      const [found] = await tx.execute<{ checklist_id: string }[]>(
        'SELECT checklist_id FROM checklist_item WHERE id = ?',
        [itemId],
      );
      if (!found) throw notFound();
      const checklist = await tx.findOneOrFail(
        Checklist,
        { id: Number(found.checklist_id) },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const employee = await this.employees.requireExisting(
        tx,
        checklist.employee.id,
        field('itemId'),
      );
      if (!mayViewChecklistsOf(viewer, employee)) throw notFound();
      const items = await tx.find(
        ChecklistItem,
        { checklist: checklist.id },
        { orderBy: { position: 'asc' } },
      );
      const item = items.find((candidate) => candidate.id === itemId);
      if (!item) throw notFound();
      if (!mayActOnItem(viewer, item.assigneeRole, employee))
        throw new ChecklistItemForbidden(item.assigneeRole);
      if (item.assetId !== null)
        throw new BusinessRuleError(
          UserErrorCode.ASSETS_OUTSTANDING,
          `${item.title}: this item is done by checking the asset in (or reporting it lost)`,
          field('itemId'),
        );
      const now = this.clock.now();
      if (action === 'complete') {
        if (item.doneAt)
          throw new BusinessRuleError(
            UserErrorCode.INVALID_TRANSITION,
            'This item is already done',
            field('itemId'),
          );
        const othersOpen = items.filter((other) => other !== item && !other.doneAt);
        if (
          !item.blocking &&
          othersOpen.length > 0 &&
          othersOpen.every((other) => other.blocking)
        ) {
          throw new BusinessRuleError(
            UserErrorCode.CHECKLIST_BLOCKED,
            `Blocking items are still open: ${othersOpen.map((other) => other.title).join('; ')}`,
            field('itemId'),
          );
        }
        item.doneAt = now;
        item.doneById = viewer.employeeId;
        if (othersOpen.length === 0) checklist.completedAt = now;
      } else {
        if (checklist.completedAt)
          throw new BusinessRuleError(
            UserErrorCode.INVALID_TRANSITION,
            'The checklist is complete; a complete checklist is final',
            field('itemId'),
          );
        if (!item.doneAt)
          throw new BusinessRuleError(
            UserErrorCode.INVALID_TRANSITION,
            'This item is not done',
            field('itemId'),
          );
        item.doneAt = null;
        item.doneById = null;
      }
      await tx.flush();
      await this.recordItemChange(
        tx,
        checklist,
        item,
        employee.id,
        action === 'complete' ? 'ITEM_COMPLETED' : 'ITEM_REOPENED',
        viewer.employeeId,
      );
      return checklist;
    });
  }

  /**
   * Adds items to an employee's offboarding checklist (made now if they have none), each waiting
   * for an asset: blocking, for IT support, due on the last day. The assets module calls this when
   * someone leaves holding equipment.
   */
  async addOffboardingItems(
    tx: EntityManager,
    employeeId: number,
    lastDay: string,
    items: { title: string; assetId: number }[],
    actorId: number | null,
  ): Promise<void> {
    const checklist = await this.make(tx, employeeId, ChecklistKind.OFFBOARDING, lastDay, actorId);
    await tx.findOneOrFail(
      Checklist,
      { id: checklist.id },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const [last] = await tx.find(
      ChecklistItem,
      { checklist: checklist.id },
      { orderBy: { position: 'desc' }, limit: 1 },
    );
    let position = (last?.position ?? -1) + 1;
    for (const item of items)
      tx.create(ChecklistItem, {
        checklist,
        position: position++,
        title: item.title,
        assigneeRole: ChecklistAssigneeRole.IT_SUPPORT,
        dueDate: lastDay,
        blocking: true,
        assetId: item.assetId,
      });
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Checklist',
      streamId: checklist.id,
      type: 'ITEMS_ADDED',
      payload: { employeeId, items: items.map((item) => item.title) },
      actorId,
    });
  }

  /**
   * The asset an open offboarding item waits for is back (or reported lost): the item is done, by
   * whoever checked it in, and the checklist completes if it was the last.
   */
  async completeAssetItem(
    tx: EntityManager,
    employeeId: number,
    assetId: number,
    actorId: number,
  ): Promise<void> {
    const checklist = await tx.findOne(
      Checklist,
      { employee: employeeId, kind: ChecklistKind.OFFBOARDING, completedAt: null },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!checklist) return;
    const items = await tx.find(ChecklistItem, { checklist: checklist.id });
    const item = items.find((candidate) => candidate.assetId === assetId && !candidate.doneAt);
    if (!item) return;
    const now = this.clock.now();
    item.doneAt = now;
    item.doneById = actorId;
    const complete = items.every((candidate) => candidate.doneAt);
    if (complete) checklist.completedAt = now;
    await tx.flush();
    await this.recordItemChange(tx, checklist, item, employeeId, 'ITEM_COMPLETED', actorId);
  }

  /** An item's change on the checklist's stream, and COMPLETED when it completed the checklist. */
  private async recordItemChange(
    tx: EntityManager,
    checklist: Checklist,
    item: ChecklistItem,
    employeeId: number,
    type: 'ITEM_COMPLETED' | 'ITEM_REOPENED',
    actorId: number | null,
  ): Promise<void> {
    await recordEvent(tx, {
      streamType: 'Checklist',
      streamId: checklist.id,
      type,
      payload: { itemId: item.id, title: item.title, assigneeRole: item.assigneeRole, employeeId },
      actorId,
    });
    if (type === 'ITEM_COMPLETED' && checklist.completedAt)
      await recordEvent(tx, {
        streamType: 'Checklist',
        streamId: checklist.id,
        type: 'COMPLETED',
        payload: { kind: checklist.kind, employeeId },
        actorId,
      });
  }

  /** Makes an employee's checklist of a kind from the default template, unless they have one. */
  private async make(
    tx: EntityManager,
    employeeId: number,
    kind: ChecklistKind,
    anchorDate: string,
    actorId: number | null,
  ): Promise<Checklist> {
    const existing = await tx.findOne(Checklist, { employee: employeeId, kind });
    if (existing) return existing;
    const template = await tx.findOne(ChecklistTemplate, { kind, isDefault: true });
    // The migration creates a default per kind, and the service never unsets one.
    if (!template) throw new Error(`No default ${kind} checklist template`);
    const items = await tx.find(
      ChecklistTemplateItem,
      { template: template.id },
      { orderBy: { position: 'asc' } },
    );
    const checklist = tx.create(Checklist, {
      employee: this.employees.reference(tx, employeeId),
      kind,
      template,
      anchorDate,
    });
    for (const item of items)
      tx.create(ChecklistItem, {
        checklist,
        position: item.position,
        title: item.title,
        assigneeRole: item.assigneeRole,
        dueDate: addDays(anchorDate, item.dueOffsetDays),
        blocking: item.blocking,
      });
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Checklist',
      streamId: checklist.id,
      type: 'CREATED',
      payload: { employeeId, kind, templateId: template.id, anchorDate, items: items.length },
      actorId,
    });
    return checklist;
  }

  private writeItems(
    tx: EntityManager,
    template: ChecklistTemplate,
    items: ChecklistTemplateItemDraft[],
  ): void {
    items.forEach((item, position) =>
      tx.create(ChecklistTemplateItem, { template, position, ...item }),
    );
  }

  /** Unsets the current default of a kind; concurrent changes of the default queue here. */
  private async clearDefault(tx: EntityManager, kind: ChecklistKind): Promise<void> {
    await tx.execute('SELECT pg_advisory_xact_lock(?, hashtext(?))', [DEFAULT_TEMPLATE_LOCK, kind]);
    await tx.nativeUpdate(ChecklistTemplate, { kind, isDefault: true }, { isDefault: false });
  }

  /** Runs a write that names a template; a concurrent twin's name is `NAME_TAKEN`. */
  private async namedOnce<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'checklist_template_name_unique')) throw nameTaken(name);
      throw error;
    }
  }
}

function nameTaken(name: string): BusinessRuleError {
  return new BusinessRuleError(
    UserErrorCode.NAME_TAKEN,
    `A checklist template named ${name} exists`,
    field('name'),
  );
}

function checkedItems(items: ChecklistTemplateItemDraft[]): ChecklistTemplateItemDraft[] {
  if (items.length === 0 || items.length > MAX_ITEMS)
    throw new BusinessRuleError(
      UserErrorCode.INVALID_INPUT,
      `A template has 1 to ${MAX_ITEMS} items`,
      field('items'),
    );
  return items.map((item, index) => ({
    title: requiredText(item.title, field('items', String(index), 'title'), 300),
    assigneeRole: item.assigneeRole,
    dueOffsetDays: integerInRange(
      item.dueOffsetDays,
      field('items', String(index), 'dueOffsetDays'),
      -366,
      366,
    ),
    blocking: item.blocking,
  }));
}

import {
  BigIntType,
  Check,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Employee } from '../employees/employee.entity';

/** What a checklist accompanies: a hire or a leaving. */
export enum ChecklistKind {
  ONBOARDING = 'ONBOARDING',
  OFFBOARDING = 'OFFBOARDING',
}

/**
 * Who does a checklist item. A checklist role, not a sign-in `Role`: HR items are done by HR,
 * MANAGER items by the employee's manager, EMPLOYEE items by the employee, IT_SUPPORT items by
 * IT support (and HR).
 */
export enum ChecklistAssigneeRole {
  HR = 'HR',
  IT_SUPPORT = 'IT_SUPPORT',
  MANAGER = 'MANAGER',
  EMPLOYEE = 'EMPLOYEE',
}

/**
 * A template of checklist items. Exactly one template per kind is the default
 * (`checklist_template_one_default`), and hiring or terminating copies the default of its kind.
 * The migration creates the two standard defaults (reference data, like the chart of accounts).
 */
@Entity({ tableName: 'checklist_template' })
@Index({
  name: 'checklist_template_one_default',
  expression:
    'create unique index "checklist_template_one_default" on "checklist_template" ("kind") where "is_default"',
})
export class ChecklistTemplate {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  @Unique({ name: 'checklist_template_name_unique' })
  name!: string;

  @Enum({ items: () => ChecklistKind, type: 'text' })
  kind!: ChecklistKind;

  @Property({ type: 'boolean' })
  isDefault!: boolean;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

/** One item of a template, at its position; an update replaces a template's items. */
@Entity({ tableName: 'checklist_template_item' })
@Unique({ name: 'checklist_template_item_unique', properties: ['template', 'position'] })
@Check({
  name: 'checklist_template_item_values_check',
  expression: 'position >= 0 and due_offset_days >= -366 and due_offset_days <= 366',
})
export class ChecklistTemplateItem {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => ChecklistTemplate, { deleteRule: 'cascade' })
  template!: ChecklistTemplate;

  @Property({ type: 'integer' })
  position!: number;

  @Property({ type: 'text' })
  title!: string;

  @Enum({ items: () => ChecklistAssigneeRole, type: 'text' })
  assigneeRole!: ChecklistAssigneeRole;

  /** Days from the start (onboarding) or the last day (offboarding); negative is before. */
  @Property({ type: 'integer' })
  dueOffsetDays!: number;

  @Property({ type: 'boolean' })
  blocking!: boolean;
}

/**
 * An employee's onboarding or offboarding checklist: at most one per employee and kind
 * (`checklist_employee_kind_unique`). Its items are copies of the template's as it was, so later
 * template edits leave it as it is. `completedAt` is set when its last item is done, and a
 * complete checklist is final.
 */
@Entity({ tableName: 'checklist' })
@Unique({ name: 'checklist_employee_kind_unique', properties: ['employee', 'kind'] })
export class Checklist {
  [OptionalProps]?: 'createdAt' | 'completedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Employee, { deleteRule: 'restrict' })
  employee!: Employee;

  @Enum({ items: () => ChecklistKind, type: 'text' })
  kind!: ChecklistKind;

  /** The template it was copied from. */
  @ManyToOne(() => ChecklistTemplate, { deleteRule: 'restrict', index: 'checklist_template_idx' })
  template!: ChecklistTemplate;

  /** The hire date (onboarding) or the last working day (offboarding): due dates count from it. */
  @Property({ type: 'date' })
  anchorDate!: string;

  @Property({ type: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** One item of a checklist; done when `doneAt` is set (with who did it). */
@Entity({ tableName: 'checklist_item' })
@Unique({ name: 'checklist_item_unique', properties: ['checklist', 'position'] })
@Index({ name: 'checklist_item_open_due_idx', properties: ['dueDate', 'id'] })
@Check({
  name: 'checklist_item_done_check',
  expression: '(done_at is null) = (done_by_id is null)',
})
export class ChecklistItem {
  [OptionalProps]?: 'doneAt' | 'doneById' | 'assetId';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Checklist, { deleteRule: 'cascade' })
  checklist!: Checklist;

  @Property({ type: 'integer' })
  position!: number;

  @Property({ type: 'text' })
  title!: string;

  @Enum({ items: () => ChecklistAssigneeRole, type: 'text' })
  assigneeRole!: ChecklistAssigneeRole;

  @Property({ type: 'date' })
  dueDate!: string;

  @Property({ type: 'boolean' })
  blocking!: boolean;

  @Property({ type: 'timestamptz', nullable: true })
  doneAt: Date | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  doneById: number | null = null;

  /**
   * The asset this item waits for (offboarding: one item per asset the employee holds). Only the
   * assets module completes it, when the asset is checked in or reported lost; by hand it is
   * ASSETS_OUTSTANDING.
   */
  @Property({ type: new BigIntType('number'), nullable: true })
  assetId: number | null = null;
}

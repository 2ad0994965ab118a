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
import { Bill, Vendor } from '../ledger/receivables.entity';

/** What kind of thing an asset is. */
export enum AssetType {
  LAPTOP = 'LAPTOP',
  DESKTOP = 'DESKTOP',
  PHONE = 'PHONE',
  MONITOR = 'MONITOR',
  PRINTER = 'PRINTER',
  NETWORK = 'NETWORK',
  VEHICLE = 'VEHICLE',
  MACHINE = 'MACHINE',
  FURNITURE = 'FURNITURE',
  OTHER = 'OTHER',
}

/** Types whose assets hold data unless said otherwise: checking one in needs a wipe attestation. */
export const DATA_BEARING_TYPES: ReadonlySet<AssetType> = new Set([
  AssetType.LAPTOP,
  AssetType.DESKTOP,
  AssetType.PHONE,
  AssetType.PRINTER,
  AssetType.NETWORK,
]);

/** Where an asset is in its life (`asset-process.ts` says which moves are allowed). */
export enum AssetStatus {
  IN_STOCK = 'IN_STOCK',
  ASSIGNED = 'ASSIGNED',
  IN_MAINTENANCE = 'IN_MAINTENANCE',
  RETIRED = 'RETIRED',
  LOST = 'LOST',
}

/** The state an asset came back in. */
export enum AssetCondition {
  GOOD = 'GOOD',
  WORN = 'WORN',
  DAMAGED = 'DAMAGED',
}

/**
 * A piece of the company's equipment. The rules the database keeps:
 * - the tag is unique, and so is a serial number within its model;
 * - an asset is ASSIGNED exactly when it has an open assignment (`assignment`), whose one open
 *   line is unique per asset (`asset_assignment_line_one_open`);
 * - cost is never negative.
 * Bought through purchasing, its purchase date and cost come from a bill (and its line), so they
 * agree with the books.
 */
@Entity({ tableName: 'asset' })
@Index({ name: 'asset_status_idx', properties: ['status', 'id'] })
@Index({ name: 'asset_type_idx', properties: ['type', 'id'] })
@Index({ name: 'asset_assignee_idx', properties: ['assignee', 'id'] })
@Index({ name: 'asset_warranty_idx', properties: ['warrantyEnd', 'id'] })
@Unique({ name: 'asset_serial_unique', properties: ['model', 'serialNumber'] })
@Check({
  name: 'asset_values_check',
  expression:
    "(cost_minor is null or cost_minor >= 0) and audit_interval_days >= 1 and audit_interval_days <= 3660 and (status = 'ASSIGNED') = (assignment_id is not null) and (assignee_id is null or assignment_id is not null)",
})
export class Asset {
  [OptionalProps]?:
    | 'status'
    | 'serialNumber'
    | 'location'
    | 'assignee'
    | 'assignmentId'
    | 'purchaseDate'
    | 'costMinor'
    | 'warrantyEnd'
    | 'bill'
    | 'purchaseBillLineId'
    | 'auditIntervalDays'
    | 'lastAuditedAt'
    | 'statusReason'
    | 'notes'
    | 'version'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** The label on the asset, such as LT-0042. */
  @Property({ type: 'text' })
  @Unique({ name: 'asset_tag_unique' })
  tag!: string;

  @Enum({ items: () => AssetType, type: 'text' })
  type!: AssetType;

  @Property({ type: 'text' })
  model!: string;

  @Property({ type: 'text', nullable: true })
  serialNumber: string | null = null;

  @Enum({ items: () => AssetStatus, type: 'text' })
  status: AssetStatus = AssetStatus.IN_STOCK;

  /** Where it is: a room, a site, a desk. A check-out to a location moves it there. */
  @Property({ type: 'text', nullable: true })
  location: string | null = null;

  /** Whether it holds data (check-in then needs a wipe attestation); defaults by type. */
  @Property({ type: 'boolean' })
  dataBearing!: boolean;

  /** Who holds it: the employee of its open assignment (null for a location's, or none). */
  @ManyToOne(() => Employee, { nullable: true, deleteRule: 'restrict' })
  assignee: Employee | null = null;

  /** Its open assignment; set exactly while it is ASSIGNED. */
  @Property({ type: new BigIntType('number'), nullable: true })
  assignmentId: number | null = null;

  @Property({ type: 'date', nullable: true })
  purchaseDate: string | null = null;

  @Property({ type: new BigIntType('bigint'), nullable: true })
  costMinor: bigint | null = null;

  @Property({ type: 'date', nullable: true })
  warrantyEnd: string | null = null;

  /** The vendor's bill it was bought on, when bought through the books. */
  @ManyToOne(() => Bill, { nullable: true, deleteRule: 'restrict', index: 'asset_bill_idx' })
  bill: Bill | null = null;

  /** The purchase order line of that bill it was one unit of, when the bill has lines. */
  @Property({ type: new BigIntType('number'), nullable: true })
  purchaseBillLineId: number | null = null;

  /** An asset is due for audit this many days after it was last seen (or created). */
  @Property({ type: 'integer', default: 365 })
  auditIntervalDays: number = 365;

  @Property({ type: 'timestamptz', nullable: true })
  lastAuditedAt: Date | null = null;

  /** Why it was retired, lost or found again; null otherwise. */
  @Property({ type: 'text', nullable: true })
  statusReason: string | null = null;

  @Property({ type: 'text', nullable: true })
  notes: string | null = null;

  /** Increases with every change. */
  @Property({ type: 'integer' })
  version: number = 1;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

/**
 * The terms an employee accepts for the equipment they hold, versioned: a check-out names the
 * version in force, and the acceptance stores the hash of the text the employee saw. A version
 * never changes once written; new terms are a new version.
 */
@Entity({ tableName: 'custody_terms' })
export class CustodyTerms {
  [OptionalProps]?: 'createdAt' | 'createdById';

  @PrimaryKey({ type: 'integer', autoincrement: false })
  version!: number;

  @Property({ type: 'text' })
  text!: string;

  /** SHA-256 of the text, lowercase hex. */
  @Property({ type: 'text' })
  sha256!: string;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById: number | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/**
 * One check-out: several assets handed to an employee (who accepts them once, for the batch) or
 * placed at a location (nothing to accept). It is closed when its last asset is checked in.
 */
@Entity({ tableName: 'asset_assignment' })
@Index({ name: 'asset_assignment_employee_idx', properties: ['employee', 'id'] })
@Check({
  name: 'asset_assignment_holder_check',
  expression:
    '(employee_id is null) <> (location is null) and (employee_id is null) = (terms_version is null) and (accepted_at is null) = (accepted_terms_sha256 is null)',
})
export class AssetAssignment {
  [OptionalProps]?:
    | 'employee'
    | 'location'
    | 'expectedReturn'
    | 'termsVersion'
    | 'acceptedAt'
    | 'acceptedTermsSha256'
    | 'closedAt'
    | 'note'
    | 'checkedOutAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Employee, { nullable: true, deleteRule: 'restrict' })
  employee: Employee | null = null;

  @Property({ type: 'text', nullable: true })
  location: string | null = null;

  @Property({ type: 'date', nullable: true })
  expectedReturn: string | null = null;

  /** The custody terms in force at check-out, which the employee accepts. */
  @Property({ type: 'integer', nullable: true })
  termsVersion: number | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  acceptedAt: Date | null = null;

  /** The hash of the terms text the employee accepted. */
  @Property({ type: 'text', nullable: true })
  acceptedTermsSha256: string | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  checkedOutById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  checkedOutAt: Date = new Date();

  /** When its last asset came back. */
  @Property({ type: 'timestamptz', nullable: true })
  closedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;
}

/** One asset of a check-out, and how it came back. */
@Entity({ tableName: 'asset_assignment_line' })
@Index({ name: 'asset_assignment_line_assignment_idx', properties: ['assignment', 'id'] })
@Index({ name: 'asset_assignment_line_asset_idx', properties: ['asset', 'id'] })
@Index({
  name: 'asset_assignment_line_one_open',
  // At most one open assignment per asset, whatever races: the database refuses a second.
  expression:
    'create unique index "asset_assignment_line_one_open" on "asset_assignment_line" ("asset_id") where "checked_in_at" is null',
})
@Check({
  name: 'asset_assignment_line_return_check',
  expression: '(checked_in_at is null) = (condition is null)',
})
export class AssetAssignmentLine {
  [OptionalProps]?:
    'checkedInAt' | 'checkedInById' | 'condition' | 'dataWiped' | 'wipeMethod' | 'returnNote';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => AssetAssignment, { deleteRule: 'cascade' })
  assignment!: AssetAssignment;

  @ManyToOne(() => Asset, { deleteRule: 'restrict' })
  asset!: Asset;

  @Property({ type: 'timestamptz', nullable: true })
  checkedInAt: Date | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  checkedInById: number | null = null;

  @Enum({ items: () => AssetCondition, type: 'text', nullable: true })
  condition: AssetCondition | null = null;

  /** The attestation that its data was wiped (data-bearing assets); null when not asked. */
  @Property({ type: 'boolean', nullable: true })
  dataWiped: boolean | null = null;

  /** How it was wiped, as attested (such as "NIST 800-88 purge"). */
  @Property({ type: 'text', nullable: true })
  wipeMethod: string | null = null;

  @Property({ type: 'text', nullable: true })
  returnNote: string | null = null;
}

/** Someone saw an asset somewhere: a physical audit. */
@Entity({ tableName: 'asset_audit' })
@Index({ name: 'asset_audit_asset_idx', properties: ['asset', 'id'] })
export class AssetAudit {
  [OptionalProps]?: 'condition' | 'note' | 'auditedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Asset, { deleteRule: 'cascade' })
  asset!: Asset;

  @Property({ type: new BigIntType('number') })
  auditedById!: number;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  auditedAt: Date = new Date();

  @Property({ type: 'text' })
  location!: string;

  @Enum({ items: () => AssetCondition, type: 'text', nullable: true })
  condition: AssetCondition | null = null;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;
}

/** A vendor's service or support contract over some assets (GLPI's contracts). */
@Entity({ tableName: 'service_contract' })
@Index({ name: 'service_contract_vendor_idx', properties: ['vendor', 'id'] })
@Check({
  name: 'service_contract_values_check',
  expression: 'ends_on >= starts_on and cost_minor >= 0',
})
export class ServiceContract {
  [OptionalProps]?: 'reference' | 'description' | 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  name!: string;

  @ManyToOne(() => Vendor, { deleteRule: 'restrict' })
  vendor!: Vendor;

  /** The vendor's contract number. */
  @Property({ type: 'text', nullable: true })
  reference: string | null = null;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: 'date' })
  startsOn!: string;

  @Property({ type: 'date' })
  endsOn!: string;

  @Property({ type: new BigIntType('bigint') })
  costMinor!: bigint;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** Which assets a contract covers (many to many). */
@Entity({ tableName: 'service_contract_asset' })
@Index({ name: 'service_contract_asset_asset_idx', properties: ['asset', 'contract'] })
export class ServiceContractAsset {
  @ManyToOne(() => ServiceContract, { primary: true, deleteRule: 'cascade' })
  contract!: ServiceContract;

  @ManyToOne(() => Asset, { primary: true, deleteRule: 'restrict' })
  asset!: Asset;
}

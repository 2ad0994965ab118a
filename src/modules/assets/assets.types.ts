import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { HistoryEntry } from '../../events/history.types';
import { Money } from '../../graphql/money';
import { Connection, Node } from '../../graphql/relay';
import { CalendarDateScalar, DecimalScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { EmployeeObject } from '../employees/employee.types';
import { BillObject, VendorObject } from '../ledger/ledger.types';
import { AssetCondition, AssetStatus, AssetType } from './asset.entity';

export const ASSET_READERS = 'Requires one of: IT_SUPPORT, ACCOUNTANT, HR, REPORTING, ADMIN.';
export const ASSET_MANAGERS = 'Requires one of: IT_SUPPORT, ADMIN.';

registerEnumType(AssetType, {
  name: 'AssetType',
  description: 'What kind of thing an asset is.',
  valuesConfig: {
    LAPTOP: { description: 'A laptop computer (holds data).' },
    DESKTOP: { description: 'A desktop computer (holds data).' },
    PHONE: { description: 'A phone or tablet (holds data).' },
    MONITOR: { description: 'A display.' },
    PRINTER: { description: 'A printer or scanner (holds data).' },
    NETWORK: { description: 'Network equipment: routers, switches, access points (holds data).' },
    VEHICLE: { description: 'A car, van or truck.' },
    MACHINE: { description: 'A machine or tool.' },
    FURNITURE: { description: 'Desks, chairs and the like.' },
    OTHER: { description: 'Anything else.' },
  },
});

registerEnumType(AssetStatus, {
  name: 'AssetStatus',
  description: 'Where an asset is in its life.',
  valuesConfig: {
    IN_STOCK: { description: 'On the shelf: may be checked out.' },
    ASSIGNED: { description: 'Checked out to an employee or a location.' },
    IN_MAINTENANCE: { description: 'Being repaired or serviced: cannot be checked out.' },
    RETIRED: { description: 'Out of use for good (disposed of, sold, scrapped).' },
    LOST: { description: 'Missing; may be found again.' },
  },
});

registerEnumType(AssetCondition, {
  name: 'AssetCondition',
  description: 'The state an asset came back in, or was seen in.',
  valuesConfig: {
    GOOD: { description: 'As it should be.' },
    WORN: { description: 'Usable, with wear.' },
    DAMAGED: { description: 'Needs repair.' },
  },
});

@ObjectType('Asset', {
  implements: Node,
  description: `A piece of the company's equipment. ${ASSET_READERS}`,
})
export class AssetObject extends Node {
  @Field(() => String, { description: 'The label on it, such as LT-0042 (unique).' })
  tag!: string;

  @Field(() => AssetType, { description: 'What kind of thing it is.' })
  type!: AssetType;

  @Field(() => String, { description: 'Make and model.' })
  model!: string;

  @Field(() => String, { nullable: true, description: 'Serial number (unique within its model).' })
  serialNumber!: string | null;

  @Field(() => AssetStatus, { description: 'Where it is in its life.' })
  status!: AssetStatus;

  @Field(() => EmployeeObject, {
    nullable: true,
    description: 'Who holds it (null when in stock or checked out to a location).',
  })
  assignee!: unknown;

  @Field(() => String, { nullable: true, description: 'Where it is.' })
  location!: string | null;

  @Field(() => Boolean, {
    description: 'Whether it holds data: checking it in needs a wipe attestation.',
  })
  dataBearing!: boolean;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: "When it was bought (the bill's date when bought through the books).",
  })
  purchaseDate!: string | null;

  @Field(() => Money, {
    nullable: true,
    description: 'What it cost (from its bill line when bought through the books).',
  })
  cost!: Money | null;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'When its warranty ends.' })
  warrantyEnd!: string | null;

  @Field(() => BillObject, {
    nullable: true,
    description: 'The vendor bill it was bought on. Requires ACCOUNTANT or ADMIN.',
  })
  bill!: unknown;

  @Field(() => Int, { description: 'Days between audits.' })
  auditIntervalDays!: number;

  @Field(() => Date, { nullable: true, description: 'When an audit last saw it.' })
  lastAuditedAt!: Date | null;

  @Field(() => CalendarDateScalar, {
    description: 'When it is next due for audit: its last audit (or creation) plus the interval.',
  })
  auditDueOn!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Why it was retired, lost or found again.',
  })
  statusReason!: string | null;

  @Field(() => String, { nullable: true, description: 'Free notes.' })
  notes!: string | null;

  @Field(() => Int, { description: 'Increases with every change.' })
  version!: number;

  @Field(() => AssetAssignmentObject, {
    nullable: true,
    description: 'Its open check-out, if it is assigned.',
  })
  assignment!: unknown;

  @Field(() => [AssetAssignmentLineObject], {
    description: 'Every check-out of it, newest first, with how it came back.',
  })
  custody!: unknown[];

  @Field(() => [AssetAuditObject], { description: 'Audits that saw it, newest first.' })
  audits!: unknown[];

  @Field(() => [ServiceContractObject], { description: 'The service contracts covering it.' })
  contracts!: unknown[];

  @Field(() => [HistoryEntry], {
    description: 'Everything that happened to it, oldest first (from the event log).',
  })
  history!: unknown[];

  @Field(() => Date, { description: 'When it was recorded.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When it last changed.' })
  updatedAt!: Date;
}

export const AssetConnection = Connection(AssetObject, 'Asset', 'asset');

@ObjectType('CustodyTerms', {
  description: 'The terms an employee accepts for the equipment they hold (versioned).',
})
export class CustodyTermsObject {
  @Field(() => Int, { description: 'The version; a change of terms is a new version.' })
  version!: number;

  @Field(() => String, { description: 'The text the employee reads and accepts.' })
  text!: string;

  @Field(() => String, { description: 'SHA-256 of the text, lowercase hex.' })
  sha256!: string;

  @Field(() => Date, { description: 'When this version was written.' })
  createdAt!: Date;
}

@ObjectType('AssetAssignment', {
  implements: Node,
  description: `One check-out: assets handed to an employee (who accepts them once, for the batch) or placed at a location. ${ASSET_READERS} The employee reads their own.`,
})
export class AssetAssignmentObject extends Node {
  @Field(() => EmployeeObject, { nullable: true, description: 'Who holds the assets.' })
  employee!: unknown;

  @Field(() => String, { nullable: true, description: 'Or where they were placed.' })
  location!: string | null;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'When they are due back.' })
  expectedReturn!: string | null;

  @Field(() => CustodyTermsObject, {
    nullable: true,
    description: 'The terms the employee accepts (null for a location).',
  })
  terms!: unknown;

  @Field(() => Date, { nullable: true, description: 'When the employee accepted the batch.' })
  acceptedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'SHA-256 of the terms text the employee accepted.',
  })
  acceptedTermsSha256!: string | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who checked them out.' })
  checkedOutBy!: unknown;

  @Field(() => Date, { description: 'When they were checked out.' })
  checkedOutAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the last of them came back.' })
  closedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'A note.' })
  note!: string | null;

  @Field(() => [AssetAssignmentLineObject], { description: 'The assets, in check-out order.' })
  lines!: unknown[];
}

@ObjectType('AssetAssignmentLine', { description: 'One asset of a check-out, and its return.' })
export class AssetAssignmentLineObject {
  @Field(() => AssetObject, { description: 'The asset.' })
  asset!: unknown;

  @Field(() => AssetAssignmentObject, { description: 'The check-out it belongs to.' })
  assignment!: unknown;

  @Field(() => Date, { nullable: true, description: 'When it came back (null: still out).' })
  checkedInAt!: Date | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who checked it in.' })
  checkedInBy!: unknown;

  @Field(() => AssetCondition, { nullable: true, description: 'How it came back.' })
  condition!: AssetCondition | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'The attestation that its data was wiped (null when it holds no data).',
  })
  dataWiped!: boolean | null;

  @Field(() => String, { nullable: true, description: 'How it was wiped, as attested.' })
  wipeMethod!: string | null;

  @Field(() => String, { nullable: true, description: 'A note made at check-in.' })
  returnNote!: string | null;
}

@ObjectType('AssetAudit', { description: 'Someone saw an asset somewhere.' })
export class AssetAuditObject {
  @Field(() => ID, { description: 'The audit record.' })
  id!: string;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who saw it.' })
  auditedBy!: unknown;

  @Field(() => Date, { description: 'When.' })
  auditedAt!: Date;

  @Field(() => String, { description: 'Where.' })
  location!: string;

  @Field(() => AssetCondition, { nullable: true, description: 'In what state.' })
  condition!: AssetCondition | null;

  @Field(() => String, { nullable: true, description: 'A note.' })
  note!: string | null;
}

@ObjectType('ServiceContract', {
  implements: Node,
  description: `A vendor's service or support contract over some assets. ${ASSET_READERS}`,
})
export class ServiceContractObject extends Node {
  @Field(() => String, { description: 'What it is called.' })
  name!: string;

  @Field(() => VendorObject, { description: 'Who provides the service.' })
  vendor!: unknown;

  @Field(() => String, { nullable: true, description: "The vendor's contract number." })
  reference!: string | null;

  @Field(() => String, { nullable: true, description: 'What it covers and how to claim.' })
  description!: string | null;

  @Field(() => CalendarDateScalar, { description: 'First day covered.' })
  startsOn!: string;

  @Field(() => CalendarDateScalar, { description: 'Last day covered.' })
  endsOn!: string;

  @Field(() => Money, { description: 'What it costs over its term.' })
  cost!: Money;

  @Field(() => Boolean, { description: 'Whether today falls within its dates.' })
  active!: boolean;

  @Field(() => [AssetObject], { description: 'The assets it covers, by tag.' })
  assets!: unknown[];
}

@InputType({ description: 'Which assets.' })
export class AssetFilter {
  @Field(() => [AssetStatus], {
    nullable: true,
    description: 'Assets in any of these statuses (a single status is accepted too).',
  })
  @IsOptional()
  status?: AssetStatus[] | null;

  @Field(() => AssetType, { nullable: true, description: 'Assets of this type.' })
  @IsOptional()
  type?: AssetType | null;

  @Field(() => ID, { nullable: true, description: 'Assets this employee holds.' })
  @IsOptional()
  @IsString()
  assigneeId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Words in the tag, model, serial number or location.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string | null;
}

@InputType({ description: 'A new asset.' })
export class CreateAssetInput {
  @Field(() => String, { description: 'The label on it (unique).' })
  @IsString()
  @MaxLength(100)
  tag!: string;

  @Field(() => AssetType, { description: 'What kind of thing it is.' })
  type!: AssetType;

  @Field(() => String, { description: 'Make and model.' })
  @IsString()
  @MaxLength(200)
  model!: string;

  @Field(() => String, { nullable: true, description: 'Serial number.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  serialNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Where it is.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  location?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Whether it holds data; by default LAPTOP, DESKTOP, PHONE, PRINTER and NETWORK do.',
  })
  @IsOptional()
  @IsBoolean()
  dataBearing?: boolean | null;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description:
      "When it was bought. With billId: the bill's date, and a different date is refused.",
  })
  @IsOptional()
  purchaseDate?: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      "What it cost. With billId: the unit cost of its bill line (or the bill's amount for a bill without lines), and a different cost is refused.",
  })
  @IsOptional()
  cost?: string | null;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'When its warranty ends.' })
  @IsOptional()
  warrantyEnd?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Warranty months from the purchase date; another way to give warrantyEnd.',
  })
  @IsOptional()
  @IsInt()
  warrantyMonths?: number | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'The vendor bill it was bought on: purchase date and cost are taken from the books.',
  })
  @IsOptional()
  @IsString()
  billId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "The product of the bill's purchase order line it is one unit of (needed when the bill has several lines).",
  })
  @IsOptional()
  @IsString()
  productId?: string | null;

  @Field(() => Int, { nullable: true, description: 'Days between audits (default 365).' })
  @IsOptional()
  @IsInt()
  auditIntervalDays?: number | null;

  @Field(() => String, { nullable: true, description: 'Free notes.' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  notes?: string | null;
}

@ObjectType({ description: 'The result of an asset mutation.' })
export class AssetPayload {
  @Field(() => AssetObject, { nullable: true, description: 'The asset as it is now.' })
  asset?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `TAG_TAKEN`, `ASSET_UNAVAILABLE`, `INVALID_TRANSITION`, `STALE_ASSET`).',
  })
  userErrors!: UserError[];
}

/** Limits shared by the inputs that name several assets. */
export const MAX_ASSETS_PER_REQUEST = 100;

@InputType({ description: 'Assets handed to an employee, or placed at a location.' })
export class CheckOutAssetsInput {
  @Field(() => [ID], { description: 'The assets (1 to 100), each IN_STOCK.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ASSETS_PER_REQUEST)
  @IsString({ each: true })
  assetIds!: string[];

  @Field(() => ID, { nullable: true, description: 'Who takes them (or give a location).' })
  @IsOptional()
  @IsString()
  employeeId?: string | null;

  @Field(() => String, { nullable: true, description: 'Where they go (or give an employee).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  location?: string | null;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'When they are due back.' })
  @IsOptional()
  expectedReturn?: string | null;

  @Field(() => String, { nullable: true, description: 'A note.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string | null;
}

@ObjectType({ description: 'The result of a check-out or an acceptance.' })
export class AssetAssignmentPayload {
  @Field(() => AssetAssignmentObject, { nullable: true, description: 'The check-out.' })
  assignment?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `ASSET_UNAVAILABLE`, `INVALID_TRANSITION`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'The employee accepts the assets of a check-out and its terms.' })
export class AcceptAssetsInput {
  @Field(() => ID, { description: 'The check-out (AssetAssignment).' })
  @IsString()
  assignmentId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The SHA-256 of the terms text as shown to the employee; when given, it must be the terms of the check-out.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  termsSha256?: string | null;
}

@InputType({ description: 'An asset comes back.' })
export class CheckInAssetInput {
  @Field(() => ID, { description: 'The asset (ASSIGNED).' })
  @IsString()
  assetId!: string;

  @Field(() => AssetCondition, { description: 'How it came back.' })
  condition!: AssetCondition;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'The attestation that its data was wiped: required (and true) for an asset that holds data.',
  })
  @IsOptional()
  @IsBoolean()
  dataWiped?: boolean | null;

  @Field(() => String, { nullable: true, description: 'How it was wiped.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  wipeMethod?: string | null;

  @Field(() => String, { nullable: true, description: 'Where it goes now (default: unchanged).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  location?: string | null;

  @Field(() => String, { nullable: true, description: 'A note.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string | null;
}

@InputType({ description: 'Changes to what is known about an asset (omitted fields stay).' })
export class UpdateAssetInput {
  @Field(() => ID, { description: 'The asset.' })
  @IsString()
  assetId!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'The version you loaded; a change since is refused (`STALE_ASSET`).',
  })
  @IsOptional()
  @IsInt()
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: 'Make and model.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string | null;

  @Field(() => String, { nullable: true, description: 'Serial number ("" clears it).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  serialNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Where it is ("" clears it).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  location?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether it holds data.' })
  @IsOptional()
  @IsBoolean()
  dataBearing?: boolean | null;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'When its warranty ends.' })
  @IsOptional()
  warrantyEnd?: string | null;

  @Field(() => Int, { nullable: true, description: 'Days between audits.' })
  @IsOptional()
  @IsInt()
  auditIntervalDays?: number | null;

  @Field(() => String, { nullable: true, description: 'Free notes ("" clears them).' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  notes?: string | null;
}

@InputType({ description: 'An asset and why.' })
export class AssetReasonInput {
  @Field(() => ID, { description: 'The asset.' })
  @IsString()
  assetId!: string;

  @Field(() => String, { description: 'Why (kept in its history).' })
  @IsString()
  @MaxLength(1000)
  reason!: string;
}

@InputType({ description: 'A lost asset turned up.' })
export class MarkAssetFoundInput {
  @Field(() => ID, { description: 'The asset (LOST).' })
  @IsString()
  assetId!: string;

  @Field(() => String, { nullable: true, description: 'Where it is now.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  location?: string | null;
}

@InputType({ description: 'Someone saw an asset somewhere.' })
export class RecordAssetAuditInput {
  @Field(() => ID, { description: 'The asset.' })
  @IsString()
  assetId!: string;

  @Field(() => String, { description: 'Where it was seen; its location becomes this.' })
  @IsString()
  @MaxLength(200)
  location!: string;

  @Field(() => AssetCondition, { nullable: true, description: 'In what state.' })
  @IsOptional()
  condition?: AssetCondition | null;

  @Field(() => String, { nullable: true, description: 'A note.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string | null;
}

@ObjectType({ description: 'The result of recordAssetAudit.' })
export class RecordAssetAuditPayload {
  @Field(() => AssetObject, { nullable: true, description: 'The asset as it is now.' })
  asset?: unknown;

  @Field(() => AssetAuditObject, { nullable: true, description: 'The audit recorded.' })
  audit?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `ASSET_UNAVAILABLE`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'New custody terms.' })
export class SetCustodyTermsInput {
  @Field(() => String, { description: 'The text employees accept with their equipment.' })
  @IsString()
  @MaxLength(20_000)
  text!: string;
}

@ObjectType({ description: 'The result of setCustodyTerms.' })
export class SetCustodyTermsPayload {
  @Field(() => CustodyTermsObject, {
    nullable: true,
    description: 'The new version, in force for later check-outs.',
  })
  terms?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`INVALID_INPUT`).' })
  userErrors!: UserError[];
}

@InputType({ description: 'A new service contract.' })
export class CreateServiceContractInput {
  @Field(() => String, {
    nullable: true,
    description: 'What it is called (default: the vendor and the dates).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string | null;

  @Field(() => ID, { description: 'Who provides the service.' })
  @IsString()
  vendorId!: string;

  @Field(() => String, { nullable: true, description: "The vendor's contract number." })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reference?: string | null;

  @Field(() => String, { nullable: true, description: 'What it covers and how to claim.' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string | null;

  @Field(() => CalendarDateScalar, { description: 'First day covered.' })
  startsOn!: string;

  @Field(() => CalendarDateScalar, { description: 'Last day covered (on or after startsOn).' })
  endsOn!: string;

  @Field(() => DecimalScalar, { description: 'What it costs over its term.' })
  cost!: string;

  @Field(() => [ID], { description: 'The assets it covers (up to 1,000).' })
  @IsString({ each: true })
  @ArrayMaxSize(1000)
  assetIds!: string[];
}

@InputType({ description: 'The assets a service contract covers, replacing the list.' })
export class SetServiceContractAssetsInput {
  @Field(() => ID, { description: 'The contract.' })
  @IsString()
  serviceContractId!: string;

  @Field(() => [ID], { description: 'The assets it covers from now on (up to 1,000).' })
  @IsString({ each: true })
  @ArrayMaxSize(1000)
  assetIds!: string[];
}

@ObjectType({ description: 'The result of a service contract mutation.' })
export class ServiceContractPayload {
  @Field(() => ServiceContractObject, { nullable: true, description: 'The contract.' })
  serviceContract?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`).',
  })
  userErrors!: UserError[];
}

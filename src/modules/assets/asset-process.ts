import { AssetStatus } from './asset.entity';

/** What may happen to an asset. */
export type AssetAction =
  | 'checkOut'
  | 'checkIn'
  | 'startMaintenance'
  | 'endMaintenance'
  | 'retire'
  | 'markLost'
  | 'markFound'
  | 'audit'
  | 'edit';

/**
 * The asset's life written as data: which actions each status allows. The one place that says
 * it; the service refuses anything else with ASSET_UNAVAILABLE.
 * - Only an IN_STOCK asset is checked out, and only an ASSIGNED one checked in.
 * - Maintenance takes a shelf asset out of service (IN_STOCK → IN_MAINTENANCE → IN_STOCK); an
 *   assigned asset is serviced where it is and stays ASSIGNED.
 * - RETIRED is final. A LOST asset may be found (→ IN_STOCK) or retired.
 */
const ALLOWED: Record<AssetStatus, readonly AssetAction[]> = {
  IN_STOCK: ['checkOut', 'startMaintenance', 'retire', 'markLost', 'audit', 'edit'],
  ASSIGNED: ['checkIn', 'markLost', 'audit', 'edit'],
  IN_MAINTENANCE: ['endMaintenance', 'retire', 'markLost', 'audit', 'edit'],
  RETIRED: [],
  LOST: ['markFound', 'retire', 'edit'],
};

export function allows(status: AssetStatus, action: AssetAction): boolean {
  return ALLOWED[status].includes(action);
}

import type { MikroORM } from '@mikro-orm/postgresql';
import type { Viewer } from '../common/viewer';
import type { DomainServices } from '../services';
import { LegalHold, LegalHoldTargetType } from './legal-hold.entity';

/** The demo customer under a legal hold: erasing or purging them is refused, naming the hold. */
export const DEMO_HELD_CUSTOMER_EMAIL = 'ops@umbrella.example';

/** One active legal hold, on a demo customer, placed by the compliance officer (once). */
export async function seedLegalHolds(
  orm: MikroORM,
  services: DomainServices,
  viewerFor: (email: string) => Promise<Viewer>,
): Promise<number> {
  const em = orm.em.fork();
  if (await em.count(LegalHold, {})) return 0;
  const customer = await services.customers.findByEmail(em, DEMO_HELD_CUSTOMER_EMAIL);
  if (!customer) return 0;
  await services.legalHolds.placeHold(
    { em },
    await viewerFor('compliance@example.com'),
    { type: LegalHoldTargetType.CUSTOMER, id: customer.id },
    'Case 2026-041: disputed deliveries; keep every record until the matter is closed',
  );
  return 1;
}

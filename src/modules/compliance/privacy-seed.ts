import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { systemClock } from '../common/clock';
import type { PersonalDataSource } from '../common/personal-data';
import { refuse, UserErrorCode } from '../common/errors';
import { SignedLinks } from '../common/signed-links';
import type { Viewer } from '../common/viewer';
import { DataSubjectRequest, DataSubjectRequestKind } from './data-subject-request.entity';
import { DataSubjectRequestService } from './data-subject-request.service';
import { hashEmail } from './subject-email';

/** The demo customer whose ACCESS request waits in the demo data. */
export const DEMO_ACCESS_REQUEST_EMAIL = 'ada@analytical.example';

/**
 * One open ACCESS request, for a demo customer, opened by the compliance officer through the
 * service (once: a second seed finds it). Opening needs neither download links nor an eraser,
 * so the seed's service has stand-ins for both.
 */
export async function seedPrivacyRequests(
  orm: MikroORM,
  sources: readonly PersonalDataSource[],
  viewerFor: (email: string) => Promise<Viewer>,
): Promise<number> {
  const em = orm.em.fork();
  if (await em.count(DataSubjectRequest, { emailHash: hashEmail(DEMO_ACCESS_REQUEST_EMAIL) }))
    return 0;
  const service = new DataSubjectRequestService(
    sources,
    { erase: () => refuse(UserErrorCode.INVALID_TRANSITION, 'The seed erases nothing') },
    new SignedLinks(randomBytes(32), systemClock),
    systemClock,
    { dueDays: 30, companyName: 'Backdesk' },
  );
  await service.open({ em }, await viewerFor('compliance@example.com'), {
    kind: DataSubjectRequestKind.ACCESS,
    email: DEMO_ACCESS_REQUEST_EMAIL,
  });
  return 1;
}

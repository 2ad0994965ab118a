import type { EntityManager } from '@mikro-orm/postgresql';
import type { DataSubject } from '../common/personal-data';

/** The person a data subject request is about (defined beside the registry of personal data). */
export type { DataSubject };

/** Something an erasure left in place, and why (a legal hold, the books, a legal duty). */
export interface KeptRecord {
  what: string;
  why: string;
}

/** What an erasure did. */
export interface ErasureResult {
  /** What was deleted or anonymised, by kind of record: `{ what: 'ticket messages', count: 3 }`. */
  erased: { what: string; count: number }[];
  kept: KeptRecord[];
}

/**
 * Erases what is held about a subject: the ERASURE side of a data subject request. Runs in the
 * caller's transaction; refuses with LEGAL_HOLD (naming the hold) when the subject's customer or
 * employee record is held, and otherwise deletes or anonymises everything not held or kept for
 * the books, listing what it kept and why. (erasure.service.ts)
 */
export interface SubjectEraser {
  erase(tx: EntityManager, subject: DataSubject, actorId: number): Promise<ErasureResult>;
}

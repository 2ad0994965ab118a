import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../db/sql';
import { DocumentKind, StoredDocument } from './document.entity';

/** What a document is and how to render it when it is not stored yet. */
export interface DocumentRequest {
  kind: DocumentKind;
  /** What it renders (`invoice:<id>`); one stored document per key. */
  key: string;
  filename: string;
  contentType: string;
  /** Called only when no document is stored under the key. */
  render(): Promise<Buffer>;
  createdAt: Date;
}

interface DocumentRow {
  id: string;
}

/**
 * Documents are rendered once and kept: asking again answers the stored bytes (the same sha256),
 * whatever changed in the code that renders them. Two first requests at once may both render,
 * but only one row is written (`ON CONFLICT (key) DO NOTHING`); the other reads the winner's.
 */
export async function storedDocument(
  em: EntityManager,
  request: DocumentRequest,
): Promise<StoredDocument> {
  const existing = await em.findOne(
    StoredDocument,
    { key: request.key },
    { populate: ['content'], refresh: true },
  );
  if (existing) return existing;
  const content = await request.render();
  const sha256 = createHash('sha256').update(content).digest('hex');
  await em.execute<DocumentRow[]>(
    `INSERT INTO document (kind, key, filename, content_type, sha256, size, content, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
    [
      request.kind,
      request.key,
      request.filename,
      request.contentType,
      sha256,
      content.length,
      content,
      request.createdAt,
    ],
  );
  // Ours, or the row of the request that won the race (committed before ON CONFLICT returned).
  return em.findOneOrFail(
    StoredDocument,
    { key: request.key },
    { populate: ['content'], refresh: true },
  );
}

/** A stored document by its key, without rendering (null when none is stored). */
export function findStoredDocument(em: EntityManager, key: string): Promise<StoredDocument | null> {
  return em.findOne(StoredDocument, { key }, { populate: ['content'] });
}

/** Why a document is not handed out; the HTTP endpoint answers each with its status. */
export type DocumentRefusalReason = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

export class DocumentRefusal extends Error {
  constructor(
    readonly reason: DocumentRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'DocumentRefusal';
  }
}

/**
 * Deletes the stored documents under these keys (in the caller's transaction), so they render
 * again from the records as they are now: after an erasure, with the anonymised party.
 */
export async function deleteStoredDocuments(
  em: EntityManager,
  keys: readonly string[],
): Promise<number> {
  if (keys.length === 0) return 0;
  const rows = await runSql<{ id: string }>(
    em,
    'DELETE FROM document WHERE key = ANY(?::text[]) RETURNING id',
    [keys],
  );
  return rows.length;
}

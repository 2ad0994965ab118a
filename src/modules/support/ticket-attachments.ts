import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Attachment } from '../../mail/mail.entity';
import { BusinessRuleError, UserErrorCode } from '../common/errors';

/** The most files one reply carries. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/**
 * Links the uploads a reply carries to its message, in the reply's transaction. Each one must be
 * an upload of this ticket that no message carries yet: an unknown id, another ticket's file or
 * one already sent refuses the whole reply (INVALID_INPUT naming the id's place in
 * `input.attachmentIds`), and the rollback leaves every row as it was. The rows are locked, so
 * two replies never carry the same upload. Answers the ids, in the order given, without repeats.
 */
export async function attachUploads(
  tx: EntityManager,
  ticketId: number,
  messageId: number,
  attachmentIds: readonly number[],
): Promise<number[]> {
  const ids = [...new Set(attachmentIds)];
  if (ids.length === 0) return [];
  const refuse = (index: number, message: string): never => {
    throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, message, [
      'input',
      'attachmentIds',
      String(index),
    ]);
  };
  if (ids.length > MAX_ATTACHMENTS_PER_MESSAGE)
    refuse(MAX_ATTACHMENTS_PER_MESSAGE, `At most ${MAX_ATTACHMENTS_PER_MESSAGE} attachments`);
  const rows = await tx.find(
    Attachment,
    { id: { $in: ids } },
    { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  attachmentIds.forEach((id, index) => {
    const attachment = byId.get(id);
    if (!attachment) return refuse(index, 'No such attachment: upload it first');
    if (attachment.ticketId !== ticketId)
      return refuse(index, `${attachment.filename} was uploaded to another ticket`);
    // (An id given twice finds its row already on this message: it is carried once.)
    if (attachment.ticketMessageId !== null && attachment.ticketMessageId !== messageId)
      return refuse(index, `${attachment.filename} is already on another message`);
    attachment.ticketMessageId = messageId;
  });
  await tx.flush();
  return ids;
}

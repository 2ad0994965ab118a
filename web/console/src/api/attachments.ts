/**
 * Uploading a file to attach to a reply. Not used yet: the attachment fields join the schema
 * with the attachments work (see components/AttachmentPicker.tsx).
 *
 * The contract: `POST /attachments`, multipart/form-data with the fields `ticketId` (the ticket's
 * global ID) and `file`, the session's bearer token. 201 answers the stored attachment as JSON;
 * any refusal answers `{ error: { code, message } }`, 413 when the file is too large.
 */
export const ATTACHMENTS_PATH = '/attachments';

/** A stored attachment, as the upload answers it and as `TicketMessage.attachments` lists it. */
export interface AttachmentInfo {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  /** A signed download path on this server. */
  url: string;
}

export type UploadOutcome =
  { ok: true; attachment: AttachmentInfo } | { ok: false; message: string; code?: string };

function isAttachment(body: unknown): body is AttachmentInfo {
  if (typeof body !== 'object' || body === null) return false;
  const { id, filename, contentType, size, url } = body as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    typeof filename === 'string' &&
    typeof contentType === 'string' &&
    typeof size === 'number' &&
    typeof url === 'string'
  );
}

function refusalOf(body: unknown): { code?: string; message?: string } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return {};
  const { error } = body;
  if (typeof error !== 'object' || error === null) return {};
  const { code, message } = error as Record<string, unknown>;
  return {
    code: typeof code === 'string' ? code : undefined,
    message: typeof message === 'string' ? message : undefined,
  };
}

/** Uploads one file for a ticket; a refusal comes back with the server's reason. */
export async function uploadAttachment(
  token: string,
  ticketId: string,
  file: File,
  signal?: AbortSignal,
): Promise<UploadOutcome> {
  const form = new FormData();
  // The ticket first: the server reads the fields in order and needs it before the file.
  form.append('ticketId', ticketId);
  form.append('file', file, file.name);
  let response: Response;
  try {
    response = await fetch(ATTACHMENTS_PATH, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
      signal,
    });
  } catch {
    return {
      ok: false,
      message: `${file.name} was not uploaded: the server could not be reached.`,
    };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status === 201 && isAttachment(body)) return { ok: true, attachment: body };
  const refusal = refusalOf(body);
  const fallback =
    response.status === 413
      ? `${file.name} is too large to attach.`
      : `${file.name} was not uploaded (HTTP ${response.status}).`;
  return { ok: false, code: refusal.code, message: refusal.message ?? fallback };
}

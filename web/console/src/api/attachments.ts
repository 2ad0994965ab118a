/**
 * Uploading a file to attach to a reply or a note (components/AttachmentPicker.tsx).
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

/** What an answer to an upload means, in words for the agent when it is a refusal. */
function outcomeOf(file: File, status: number, text: string): UploadOutcome {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status === 201 && isAttachment(body)) return { ok: true, attachment: body };
  const refusal = refusalOf(body);
  const reason = refusal.message ? ` ${sentence(refusal.message)}` : '';
  if (status === 413)
    return {
      ok: false,
      code: refusal.code,
      message: `${file.name} is too large to attach.${reason}`,
    };
  return {
    ok: false,
    code: refusal.code,
    message: `${file.name} was not uploaded${refusal.message ? '.' : ` (HTTP ${status}).`}${reason}`,
  };
}

/** The server's reasons come without a full stop. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * Uploads one file for a ticket; a refusal comes back with the server's reason. XMLHttpRequest
 * rather than fetch, since only it reports how much of the body has gone up (`onProgress`, 0 to 1).
 */
export function uploadAttachment(
  token: string,
  ticketId: string,
  file: File,
  options: { signal?: AbortSignal; onProgress?(fraction: number): void } = {},
): Promise<UploadOutcome> {
  const { signal, onProgress } = options;
  const form = new FormData();
  // The ticket first: the server reads the fields in order and needs it before the file.
  form.append('ticketId', ticketId);
  form.append('file', file, file.name);
  return new Promise((resolve) => {
    const failed = (message: string, code?: string) => resolve({ ok: false, code, message });
    if (signal?.aborted) return failed(`${file.name} was not uploaded.`, 'ABORTED');
    const request = new XMLHttpRequest();
    request.open('POST', ATTACHMENTS_PATH);
    request.setRequestHeader('authorization', `Bearer ${token}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    request.onload = () => resolve(outcomeOf(file, request.status, request.responseText));
    request.onerror = () =>
      failed(`${file.name} was not uploaded: the server could not be reached.`);
    request.onabort = () => failed(`${file.name} was not uploaded.`, 'ABORTED');
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    request.send(form);
  });
}

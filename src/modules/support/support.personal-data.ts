import { personalRecords, type PersonalDataSource } from '../common/personal-data';

/**
 * The subject's tickets: those of their customer account, and those they raised as an employee on
 * the IT queue. (SQL, shared by the sources below.)
 */
const SUBJECT_TICKETS = `SELECT t.id FROM ticket t
   WHERE t.customer_id IN (SELECT id FROM customer WHERE email = ?)
      OR t.requester_id IN (SELECT id FROM employee WHERE email = ?)`;

/** Tickets and every message on them. */
export const ticketPersonalData: PersonalDataSource = {
  name: 'tickets',
  description:
    'Your support tickets (and IT requests you raised as an employee), with every message on them.',
  fields: {
    'ticket.number': "the ticket's number",
    'ticket.subject': 'what the ticket is about',
    'ticket.status': 'where the ticket stands',
    'ticket.priority': 'how urgent it was taken to be',
    'ticket.channel': 'how it reached us (web, email, phone)',
    'ticket.queue': 'the desk it went to (customer support or IT)',
    'ticket.tags': 'the tags it was filed under',
    'ticket_message.body': 'what was written, by you or to you, and notes about the case',
    'ticket_message.author_kind': 'who wrote the message (you, an agent, the system)',
  },
  async collect(em, subject) {
    const params = [subject.email, subject.email];
    const tickets = await personalRecords(
      em,
      'ticket',
      `SELECT t.id, json_build_object(
                'number', t.number, 'subject', t.subject, 'status', t.status,
                'priority', t.priority, 'channel', t.channel, 'queue', t.queue, 'tags', t.tags,
                'createdAt', t.created_at, 'solvedAt', t.solved_at, 'closedAt', t.closed_at) AS data
         FROM ticket t WHERE t.id IN (${SUBJECT_TICKETS}) ORDER BY t.id`,
      params,
      'Ticket',
    );
    const messages = await personalRecords(
      em,
      'ticket_message',
      `SELECT m.id, json_build_object(
                'ticket', t.number, 'authorKind', m.author_kind, 'internal', m.internal,
                'body', m.body, 'createdAt', m.created_at) AS data
         FROM ticket_message m JOIN ticket t ON t.id = m.ticket_id
        WHERE m.ticket_id IN (${SUBJECT_TICKETS}) ORDER BY m.ticket_id, m.id`,
      params,
    );
    return [...tickets, ...messages];
  },
};

/** Files on the subject's tickets: what they are, never their bytes. */
export const attachmentPersonalData: PersonalDataSource = {
  name: 'attachments',
  description:
    'Files on your tickets: their names, sizes and fingerprints (SHA-256). We keep the files themselves; ask us for a copy of any of them.',
  fields: {
    'attachment.filename': "the file's name",
    'attachment.content_type': 'the kind of file',
    'attachment.sha256': "the file's fingerprint (SHA-256)",
    'attachment.content_id': 'how an email referred to an inline image',
  },
  collect: (em, subject) =>
    personalRecords(
      em,
      'attachment',
      `SELECT a.id, json_build_object(
                'ticket', t.number, 'filename', a.filename, 'contentType', a.content_type,
                'size', a.size, 'sha256', a.sha256, 'inline', a.inline, 'stored', true,
                'createdAt', a.created_at) AS data
         FROM attachment a JOIN ticket t ON t.id = a.ticket_id
        WHERE a.ticket_id IN (${SUBJECT_TICKETS}) ORDER BY a.id`,
      [subject.email, subject.email],
    ),
};

/** What the subject answered to satisfaction surveys on their tickets. */
export const satisfactionPersonalData: PersonalDataSource = {
  name: 'satisfaction surveys',
  description: 'The surveys sent after your tickets were solved, and what you answered.',
  fields: { 'satisfaction_survey.comment': 'what you wrote in the survey' },
  collect: (em, subject) =>
    personalRecords(
      em,
      'satisfaction_survey',
      `SELECT s.id, json_build_object(
                'ticket', t.number, 'sentAt', s.sent_at, 'rating', s.rating,
                'comment', s.comment, 'respondedAt', s.responded_at) AS data
         FROM satisfaction_survey s JOIN ticket t ON t.id = s.ticket_id
        WHERE s.ticket_id IN (${SUBJECT_TICKETS}) ORDER BY s.id`,
      [subject.email, subject.email],
    ),
};

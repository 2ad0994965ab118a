import { pgArray } from '../../db/transaction';
import {
  personalRecords,
  type PersonalDataRecord,
  type PersonalDataSource,
} from '../common/personal-data';

/**
 * The history of the subject's records: every event (live or archived) of a stream that a
 * source listed before this one found. Listed last, so it sees every other source's records.
 */
export const eventLogPersonalData: PersonalDataSource = {
  name: 'history',
  description:
    'The recorded history of your records: each change to your account, orders, invoices, tickets, applications and employment, with what it said.',
  fields: {
    'event.stream_type': 'which kind of record changed',
    'event.stream_id': 'which record changed',
    'event.type': 'what happened',
    'event.payload': 'what the change said',
    'event_archive.stream_type': 'which kind of record changed (archived history)',
    'event_archive.stream_id': 'which record changed (archived history)',
    'event_archive.type': 'what happened (archived history)',
    'event_archive.payload': 'what the change said (archived history)',
  },
  async collect(em, _subject, found) {
    const streams = new Map<string, { type: string; id: string }>();
    for (const record of found)
      if (record.stream) streams.set(`${record.stream.type}:${record.stream.id}`, record.stream);
    if (streams.size === 0) return [];
    const types = pgArray([...streams.values()].map((stream) => stream.type));
    const ids = pgArray([...streams.values()].map((stream) => stream.id));
    const read = (table: 'event' | 'event_archive'): Promise<PersonalDataRecord[]> =>
      personalRecords(
        em,
        table,
        `SELECT e.id, json_build_object(
                  'record', e.stream_type || ' ' || e.stream_id, 'type', e.type,
                  'payload', e.payload, 'occurredAt', e.occurred_at) AS data
           FROM ${table} e
           JOIN unnest(?::text[], ?::text[]) AS s(stream_type, stream_id)
             ON e.stream_type = s.stream_type AND e.stream_id = s.stream_id
          ORDER BY e.occurred_at, e.id`,
        [types, ids],
      );
    return [...(await read('event_archive')), ...(await read('event'))];
  },
};

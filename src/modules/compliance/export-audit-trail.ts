import { Permissions } from '../auth/permissions';
import { globalIdSql, timestampSql, type ExportDefinition } from '../common/export-definition';

/** The audit trail's sealed records, in chain order, with their hashes (to verify offline). */
export const AUDIT_TRAIL_EXPORT: ExportDefinition = {
  kind: 'AUDIT_TRAIL',
  description:
    'The audit trail: one row per sealed record in chain order (seq), with its hash and the previous hash, so the chain can be checked outside Backdesk.',
  readers: Permissions.compliance.exports,
  columns: [
    { name: 'seq', sql: 'r.seq' },
    { name: 'at', sql: timestampSql('r.at') },
    { name: 'kind', sql: 'r.kind' },
    { name: 'action', sql: 'r.action' },
    { name: 'result', sql: 'r.result' },
    { name: 'actor_id', sql: globalIdSql('Employee', 'r.actor_id') },
    { name: 'api_token_id', sql: globalIdSql('ApiToken', 'r.api_token_id') },
    { name: 'target', sql: 'r.target' },
    { name: 'detail', sql: 'r.detail' },
    { name: 'ip', sql: 'r.ip' },
    { name: 'request_id', sql: 'r.request_id' },
    { name: 'prev_hash', sql: 'r.prev_hash' },
    { name: 'hash', sql: 'r.hash' },
  ],
  from: 'audit_record r',
  where: 'r.seq IS NOT NULL',
  period: { column: 'r.at', type: 'timestamptz' },
  orderBy: 'r.seq',
};

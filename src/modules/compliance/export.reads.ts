import type { FilterQuery } from '@mikro-orm/core';
import { readById, readPage, type PageArgs, type ReadContext } from '../../read';
import { DataExport } from './export.entity';

/** Exports, newest first. */
export function exportPage(context: ReadContext, where: FilterQuery<DataExport>, args: PageArgs) {
  return readPage(context, DataExport, where, args, { orderBy: { id: 'desc' } });
}

/** One export by key (null when there is none). */
export function exportById(context: ReadContext, id: number) {
  return readById(context, DataExport, id);
}

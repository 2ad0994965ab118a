import { readPage, type PageArgs, type ReadContext } from '../../read';
import { ApiToken } from './api-token.entity';

/** How API tokens read: newest first. */
export function apiTokenPage(context: ReadContext, args: PageArgs) {
  return readPage(context, ApiToken, {}, args, { orderBy: { id: 'desc' } });
}

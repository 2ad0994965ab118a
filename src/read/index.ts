/**
 * The read layer: how every list, joined field and relation of the API reads. Feature code uses
 * what this file exports and nothing else from `src/read/`; each module says how its reads go in
 * its own `<module>.reads.ts`.
 *
 * Five operations:
 * - `readPage`: a page of a list (keyset-paginated, reading only the columns the query needs);
 * - `readPagesPerParent`: a page per parent (a customer's orders), one statement per request;
 *   `readRankedPage`: a page ranked by a score (search relevance), keyset over (score, key);
 * - `readById` / `readRoot`: a row by its key (`readRoot` also starts the fields that need only
 *   the key), and `readRelated`, the row a many-to-one points to;
 * - `joinOne` / `joinMany`: rows read beside each item of a page, in its statement;
 * - `defineLoader` / `defineGroupLoader`: a named, typed loader per relation, defined once.
 * (`readList` reads a short configuration list whole; `rowReader(Entity)` is how the module that
 * owns an entity lets other modules read its rows.)
 * And the declarations a field resolver makes: `@Reads(Entity, …columns)` with its row type
 * `RowOf<Entity, …columns>`, or `@ReadsKeyOnly()`.
 */
export { Reads, ReadsKeyOnly, type RowOf } from './columns';
export { joinMany, joinOne } from './joined';
export {
  defineGroupLoader,
  defineLoader,
  readById,
  readList,
  readRelated,
  rowReader,
  Loaders,
  type NamedLoader,
  type ReadContext,
} from './loaders';
export { readRoot } from './look-ahead';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page-size';
export {
  readPage,
  readPagesPerParent,
  type ConnectionShape,
  type JoinedField,
  type PageArgs,
  type PageInfoShape,
  type Where,
} from './pages';
export { readRankedPage, type RankedPageOptions, type RowScore } from './ranked-pages';
export { readRows, type Row } from './rows';
// For services that read rows a SQL function returns, or rows by key inside a transaction.
export { findRowsById, rowMapper, selectListOf } from './rows';

import { makeNarrowedRowsThrow } from '../../src/read/rows';

// Every test reads rows as production does, except that a row read with fewer than all its
// columns throws when code reads one it left out (a field resolver that under-declares).
makeNarrowedRowsThrow();

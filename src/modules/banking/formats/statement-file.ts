/**
 * The statement file formats: one entry point per format and one that dispatches. These parsers
 * are pure (no database, no GraphQL): the banking module's import service calls them and refuses
 * the whole file when they throw a StatementFileError.
 */
import { parseCamt053 } from './camt053';
import { parseCsv } from './csv';
import { parseOfx } from './ofx';
import {
  type CsvMapping,
  type ParsedStatementFile,
  type StatementFileFormat,
  StatementFileError,
} from './statement-types';

export type {
  CsvMapping,
  ParsedEntry,
  ParsedStatement,
  ParsedStatementFile,
  StatementFileFormat,
} from './statement-types';
export { StatementFileError } from './statement-types';
export { parseCamt053, parseCsv, parseOfx };

export function parseStatementFile(
  format: StatementFileFormat,
  text: string,
  mapping?: CsvMapping,
): ParsedStatementFile {
  switch (format) {
    case 'CAMT053':
      return parseCamt053(text);
    case 'OFX':
      return parseOfx(text);
    case 'CSV':
      if (mapping === undefined)
        throw new StatementFileError('A CSV file needs a column mapping.', 'mapping');
      return parseCsv(text, mapping);
  }
}

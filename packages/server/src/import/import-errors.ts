// The codes `arbiter import` reports, as data: mapping problems, file problems, and the reasons a row is rejected.

/**
 * Problems in a mapping file beyond its schema (the schema's own are the engine's CONFIG_PARSE, CONFIG_SCHEMA and
 * CONFIG_UNKNOWN_FIELD), each reported with the file and the JSON pointer inside it.
 */
export const mappingProblems = {
  MAPPING_FILE_MISSING: 'The mapping file does not exist or cannot be read.',
  MAPPING_NO_SUBSCRIBER_ID: 'The mapping has no `subscriberId` attribute, or gives it a type other than string.',
  MAPPING_BAD_ATTRIBUTE_NAME:
    'An attribute name is not a plain identifier (letters, digits, `_`, not starting with a digit).',
  MAPPING_CONFLICTING_SOURCE:
    'An attribute names more than one source: `column`, `template` and `value` exclude each other.',
  MAPPING_OPTION_FOR_OTHER_TYPE:
    'An option that belongs to another type (`values` outside enum, `min` outside numbers, ...).',
  MAPPING_BAD_TEMPLATE: 'A template has no `{column}` placeholder, or an unbalanced brace.',
  MAPPING_BAD_PATTERN: 'A `pattern` is not a valid regular expression.',
  MAPPING_BAD_DEFAULT: 'A `default` is not a valid value of the attribute type, or contradicts `required: true`.',
  MAPPING_BAD_LOOKUP:
    'A lookup result is not a valid value of the attribute type (for an enum: not one of its `values`).',
  MAPPING_BAD_RANGE: '`min` is greater than `max`, or boolean words are listed as both true and false.',
  MAPPING_IGNORED_COLUMN_USED: 'A column is both listed in `ignore` and read by an attribute.',
} as const;

/** Problems with the input file as a whole: nothing is imported, `arbiter import` exits 2. */
export const importProblems = {
  IMPORT_FILE_UNREADABLE: 'The input file does not exist or cannot be read.',
  IMPORT_UNKNOWN_FORMAT: 'The format is neither given (`--format csv|jsonl`) nor clear from the file extension.',
  IMPORT_EMPTY_FILE: 'The CSV file has no header row.',
  IMPORT_BAD_HEADER: 'The CSV header row cannot be parsed (a broken quote).',
  IMPORT_MISSING_COLUMNS: 'Columns the mapping reads are not in the CSV header (often a renamed or misspelt column).',
  IMPORT_DUPLICATE_COLUMNS: 'A column the mapping reads appears twice in the CSV header, so its value is ambiguous.',
  IMPORT_UNKNOWN_COLUMNS:
    'The CSV header has columns the mapping neither reads nor ignores, and `unknownColumns` is reject.',
  IMPORT_REJECTS_UNWRITABLE: 'The rejects file cannot be written (its directory does not exist or is read-only).',
  IMPORT_STORE_FAILED:
    'The profile store could not be reached, or refused a write: the import stopped there (rows before it are stored). Exit code 3.',
} as const;

/** Why a row went to the rejects file; one row may carry several, each with its column and value. */
export const rowReasons = {
  REQUIRED: 'The cell is blank and the attribute is required (subscriberId always is).',
  NOT_A_STRING: 'The value is not text (a JSON object or array where a string is expected).',
  NOT_AN_INTEGER: 'The value is not a whole number.',
  NOT_A_NUMBER: 'The value is not a number (decimal point, no thousands separators).',
  NOT_A_BOOLEAN: 'The value is none of the true or false words.',
  NOT_A_DATE: 'The value is not a date in the expected format, or not a real calendar date.',
  NOT_JSON: 'The value is not valid JSON.',
  TOO_DEEP: 'The JSON value, or the JSONL line, nests objects or lists deeper than 32 levels.',
  NOT_ALLOWED: 'The value is not one of the enum values.',
  NOT_IN_LOOKUP: 'The value is not a key of the lookup table.',
  OUT_OF_RANGE: 'The number is below `min` or above `max`.',
  PATTERN_MISMATCH: 'The text does not match the pattern.',
  DUPLICATE: 'An earlier valid row of this import has the same subscriberId; the first one wins.',
  COLUMN_COUNT: 'The CSV record has more or fewer fields than the header.',
  MALFORMED_CSV: 'The CSV line cannot be parsed (a broken or unclosed quote, or a record over the size limit).',
  INVALID_JSON: 'The JSONL line is not valid JSON.',
  NOT_AN_OBJECT: 'The JSONL line is valid JSON but not an object.',
  LINE_TOO_LONG: 'The JSONL line is longer than the size limit.',
  UNKNOWN_COLUMN: 'The JSONL row has a field the mapping neither reads nor ignores, and `unknownColumns` is reject.',
  STORE_FAILED: 'The profile store refused the write (the import stops after it).',
} as const;

export type RowReasonCode = keyof typeof rowReasons;
export type ImportProblemCode = keyof typeof importProblems;

/** Every code of the import, by kind, for the server's error catalogue. */
export const importErrors = { mapping: mappingProblems, import: importProblems, row: rowReasons } as const;

/** Thrown before any row is imported when the input file cannot be used as a whole; `details` lists what is wrong. */
export class ImportError extends Error {
  readonly code: ImportProblemCode;
  readonly details: readonly string[];

  constructor(code: ImportProblemCode, message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'ImportError';
    this.code = code;
    this.details = details;
  }
}

// Types for the unit tests in libs/database; the program itself is plain CommonJS.
export declare const PG_CHAR_OID: 18;
export declare const PG_TEXT_OID: 25;
export interface FieldsResult {
  fields?: { dataTypeID: number }[];
}
export declare function reportCharAsText<T extends FieldsResult | FieldsResult[]>(result: T): T;

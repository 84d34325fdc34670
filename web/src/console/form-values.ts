/**
 * The values behind a form generated from an event's JSON Schema: what a new form starts from,
 * and the body sent, with the optional fields a person left empty left out (an UPDATE changes
 * only what was filled in).
 */

/** A JSON Schema node as `z.toJSONSchema` writes the event payloads (GET /machine/events). */
export interface JsonSchema {
  type?: string;
  enum?: (string | number)[];
  format?: string;
  pattern?: string;
  description?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
}

/** Variants of an `anyOf`, less `null` (a nullable field is offered as "none"). */
export const variantsOf = (schema: JsonSchema): JsonSchema[] => (schema.anyOf ?? []).filter((s) => s.type !== 'null');
export const isNullable = (schema: JsonSchema): boolean => (schema.anyOf ?? []).some((s) => s.type === 'null');

export function initialValue(schema: JsonSchema, required: boolean): unknown {
  if (!required) return undefined;
  if (schema.anyOf) return initialValue(variantsOf(schema)[0] ?? {}, true);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, s]) => [
          k,
          initialValue(s, schema.required?.includes(k) ?? false),
        ]),
      );
    case 'array':
      return [];
    case 'boolean':
      return false;
    case 'string':
      return schema.enum ? undefined : '';
    default:
      return undefined;
  }
}

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** The value to send: optional fields left empty dropped, at every level. */
export function pruned(schema: JsonSchema, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const objectSchema = schema.anyOf ? variantsOf(schema).find((v) => v.type === 'object') : schema;
  if (objectSchema?.type === 'object' && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const child = objectSchema.properties?.[k] ?? {};
      const kept = pruned(child, v);
      if (objectSchema.required?.includes(k) ? kept !== undefined : !isEmpty(kept)) out[k] = kept;
    }
    return out;
  }
  if (schema.type === 'array' && Array.isArray(value) && schema.items)
    return value.map((v) => pruned(schema.items as JsonSchema, v));
  return value;
}

/** A SHA-256 of an uploaded file: the field is an inline upload. */
export const isFileField = (schema: JsonSchema) => schema.pattern === '^[0-9a-f]{64}$';

export type FieldKind =
  | 'variants'
  | 'object'
  | 'group'
  | 'multi'
  | 'lines'
  | 'boolean'
  | 'number'
  | 'select'
  | 'file'
  | 'date'
  | 'datetime'
  | 'textarea'
  | 'text'
  | 'unsupported';

/** Which control a field is drawn with; `unsupported` for a schema the console cannot draw. */
export function fieldKind(s: JsonSchema): FieldKind {
  if (s.anyOf) return 'variants';
  if (s.type === 'object') return 'object';
  if (s.type === 'array') {
    if (!s.items) return 'unsupported';
    if (s.items.type === 'object') return 'group';
    if (s.items.enum) return 'multi';
    return s.items.type === 'string' ? 'lines' : 'unsupported';
  }
  if (s.type === 'boolean') return 'boolean';
  if (s.type === 'integer' || s.type === 'number') return 'number';
  if (s.enum) return 'select';
  if (s.type !== 'string') return 'unsupported';
  if (isFileField(s)) return 'file';
  if (s.format === 'date') return 'date';
  if (s.format === 'date-time') return 'datetime';
  if ((s.maxLength ?? 0) > 500) return 'textarea';
  return 'text';
}

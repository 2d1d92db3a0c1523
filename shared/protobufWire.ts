/**
 * Protocol Buffers wire format (protobuf.dev/programming-guides/encoding) read without a schema,
 * as `protoc --decode_raw` does: field numbers, wire types, varints, fixed32/64, groups, and a
 * length-delimited field shown as a nested message when its bytes parse as one, as text when
 * they are printable UTF-8, as packed varints when they read as nothing else, else as bytes. With
 * a schema (shared/protoSchema.ts) the fields get their names and their values their declared
 * type (sint zigzag, float, enum names, packed repeated…). Pure: shared by the engine, the CLI
 * and the UI. Bounded: nesting and the number of fields read are capped, so hostile bytes cost
 * little.
 */
import type { ProtoFieldType, ProtoSchema } from './protoSchema.js';

export type ProtoWireType = 'varint' | 'fixed64' | 'len' | 'group' | 'fixed32';

export interface ProtoField {
  number: number;
  wireType: ProtoWireType;
  /** From the schema. */
  name?: string;
  /** The schema's type (`int32`, `string`, `pkg.Message`…), when it has the field. */
  type?: string;
  /** The schema declares the field repeated (a list, even of one value). */
  repeated?: true;
  /** How the value is shown. */
  kind: 'varint' | 'fixed32' | 'fixed64' | 'message' | 'string' | 'bytes' | 'packed' | 'enum' | 'scalar';
  /** The value as text: decimal for varints, `0x…` for raw fixed32/64, the string, hex for bytes. */
  text: string;
  /** Other readings of the same bits (`zigzag -1`, `float 1.5`, `as message`…). */
  alternatives?: string[];
  /** A nested message or group. */
  fields?: ProtoField[];
  /** Packed repeated values. */
  values?: string[];
  /** The schema declared another wire type: the value is shown raw. */
  mismatch?: string;
}

export interface ProtoDecodeResult {
  fields: ProtoField[];
  /** Why the bytes are not (all) a message: the fields before the bad byte are in `fields`. */
  error?: string;
  /** The decoder stopped at MAX_FIELDS. */
  cut?: boolean;
}

export interface ProtoDecodeOptions {
  schema?: ProtoSchema;
  /** Full name of the message type (without a leading dot), to name the fields. */
  typeName?: string;
}

const MAX_DEPTH = 32;
const MAX_FIELDS = 20_000;
/** Bytes shown of a bytes field (its size is always said). */
const MAX_BYTES_SHOWN = 512;

const WIRE_TYPES: (ProtoWireType | 'end')[] = ['varint', 'fixed64', 'len', 'group', 'end', 'fixed32'];

class WireError extends Error {}

interface Budget {
  fields: number;
}

class Reader {
  offset = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly end = bytes.length,
  ) {}

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i += 1) {
      if (this.offset >= this.end) throw new WireError(`a varint runs past the end at byte ${this.offset}`);
      const byte = this.bytes[this.offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new WireError(`a varint longer than 10 bytes at byte ${this.offset - 10}`);
  }

  take(length: number): Uint8Array {
    if (length > this.end - this.offset)
      throw new WireError(
        `a length-delimited field of ${length} bytes at byte ${this.offset} runs past the end (${this.end - this.offset} left)`,
      );
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
}

/** Decodes one protobuf message. Never throws: bad bytes end the result with `error`. */
export function decodeProtobuf(bytes: Uint8Array, options: ProtoDecodeOptions = {}): ProtoDecodeResult {
  const budget: Budget = { fields: 0 };
  const fields: ProtoField[] = [];
  try {
    readMessage(new Reader(bytes), options, budget, 0, fields, undefined);
    return budget.fields > MAX_FIELDS ? { fields, cut: true } : { fields };
  } catch (error) {
    if (error instanceof WireError)
      return budget.fields > MAX_FIELDS ? { fields, cut: true } : { fields, error: error.message };
    throw error;
  }
}

/** Reads fields into `out` until the end (or the group `endGroup`'s END_GROUP tag). */
function readMessage(
  reader: Reader,
  options: ProtoDecodeOptions,
  budget: Budget,
  depth: number,
  out: ProtoField[],
  endGroup: number | undefined,
): void {
  if (depth > MAX_DEPTH) throw new WireError(`nested deeper than ${MAX_DEPTH} messages`);
  const type = options.typeName ? options.schema?.messages[options.typeName] : undefined;
  while (reader.offset < reader.end) {
    const tagAt = reader.offset;
    const tag = reader.varint();
    const number = Number(tag >> 3n);
    const wire = WIRE_TYPES[Number(tag & 7n)];
    if (wire === undefined) throw new WireError(`wire type ${Number(tag & 7n)} (invalid) at byte ${tagAt}`);
    if (number < 1 || number > 0x1fffffff)
      throw new WireError(`field number ${number} (out of range) at byte ${tagAt}`);
    if (wire === 'end') {
      if (endGroup === number) return;
      throw new WireError(`an END_GROUP for field ${number} that no group opened, at byte ${tagAt}`);
    }
    budget.fields += 1;
    if (budget.fields > MAX_FIELDS) throw new WireError('too many fields');
    const declared =
      type && Object.hasOwn(type.fields, String(number)) ? type.fields[String(number)] : undefined;
    out.push(readField(reader, number, wire, declared, options, budget, depth));
  }
  if (endGroup !== undefined) throw new WireError(`group ${endGroup} has no END_GROUP`);
}

function readField(
  reader: Reader,
  number: number,
  wireType: ProtoWireType,
  declared: ProtoFieldType | undefined,
  options: ProtoDecodeOptions,
  budget: Budget,
  depth: number,
): ProtoField {
  const field: ProtoField = { number, wireType, kind: 'varint', text: '' };
  if (declared) {
    field.name = declared.name;
    field.type = declared.typeName ?? declared.type;
    if (declared.repeated) field.repeated = true;
  }
  const expected = declared ? expectedWireType(declared) : undefined;
  switch (wireType) {
    case 'varint': {
      const value = reader.varint();
      if (declared && expected === 'varint')
        Object.assign(field, typedVarint(value, declared, options.schema));
      else Object.assign(field, rawVarint(value));
      break;
    }
    case 'fixed64': {
      const value = reader.take(8);
      if (declared && expected === 'fixed64') Object.assign(field, typedFixed(value, declared.type));
      else Object.assign(field, rawFixed(value));
      break;
    }
    case 'fixed32': {
      const value = reader.take(4);
      if (declared && expected === 'fixed32') Object.assign(field, typedFixed(value, declared.type));
      else Object.assign(field, rawFixed(value));
      break;
    }
    case 'group': {
      const fields: ProtoField[] = [];
      readMessage(
        reader,
        { schema: options.schema, typeName: declared?.typeName },
        budget,
        depth + 1,
        fields,
        number,
      );
      Object.assign(field, { kind: 'message', text: '', fields });
      break;
    }
    case 'len': {
      const length = Number(reader.varint());
      const value = reader.take(length);
      if (declared && expected === 'len')
        Object.assign(field, typedLen(value, declared, options.schema, budget, depth));
      else if (declared && expected !== 'len' && declared.repeated && isPackable(declared.type))
        Object.assign(field, packed(value, declared, options.schema));
      else Object.assign(field, rawLen(value, budget, depth));
      break;
    }
  }
  if (
    declared &&
    expected !== wireType &&
    !(wireType === 'len' && declared.repeated && isPackable(declared.type))
  )
    field.mismatch = `declared ${declared.typeName ?? declared.type}, sent as ${wireType}`;
  return field;
}

const VARINT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool', 'enum']);
const FIXED64_TYPES = new Set(['fixed64', 'sfixed64', 'double']);
const FIXED32_TYPES = new Set(['fixed32', 'sfixed32', 'float']);

function expectedWireType(declared: ProtoFieldType): ProtoWireType {
  if (VARINT_TYPES.has(declared.type)) return 'varint';
  if (FIXED64_TYPES.has(declared.type)) return 'fixed64';
  if (FIXED32_TYPES.has(declared.type)) return 'fixed32';
  return 'len';
}

function isPackable(type: string): boolean {
  return VARINT_TYPES.has(type) || FIXED64_TYPES.has(type) || FIXED32_TYPES.has(type);
}

function zigzag(value: bigint): bigint {
  return (value >> 1n) ^ -(value & 1n);
}

function rawVarint(value: bigint): Partial<ProtoField> {
  const alternatives: string[] = [];
  const signed = BigInt.asIntN(64, value);
  if (signed < 0n) alternatives.push(`int64 ${signed}`);
  const zz = zigzag(value);
  if (zz !== value && value !== 0n) alternatives.push(`sint ${zz}`);
  return { kind: 'varint', text: value.toString(), ...(alternatives.length > 0 ? { alternatives } : {}) };
}

function varintAs(value: bigint, type: string, schema: ProtoSchema | undefined, typeName?: string): string {
  switch (type) {
    case 'int32':
      return BigInt.asIntN(32, value).toString();
    case 'int64':
      return BigInt.asIntN(64, value).toString();
    case 'uint32':
      return BigInt.asUintN(32, value).toString();
    case 'sint32':
    case 'sint64':
      return zigzag(value).toString();
    case 'bool':
      return value === 0n ? 'false' : 'true';
    case 'enum': {
      const number = BigInt.asIntN(32, value).toString();
      const names = typeName ? schema?.enums[typeName] : undefined;
      return names && Object.hasOwn(names, number) ? names[number]! : number;
    }
    default:
      return value.toString();
  }
}

function typedVarint(
  value: bigint,
  declared: ProtoFieldType,
  schema: ProtoSchema | undefined,
): Partial<ProtoField> {
  const text = varintAs(value, declared.type, schema, declared.typeName);
  if (declared.type === 'enum')
    return {
      kind: 'enum',
      text,
      ...(text !== BigInt.asIntN(32, value).toString()
        ? { alternatives: [`${BigInt.asIntN(32, value)}`] }
        : {}),
    };
  return { kind: 'scalar', text };
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function hexOf(bytes: Uint8Array): string {
  let out = '';
  // Little-endian on the wire; protoc prints the number, most significant digit first.
  for (let i = bytes.length - 1; i >= 0; i -= 1) out += bytes[i]!.toString(16).padStart(2, '0');
  return `0x${out}`;
}

function rawFixed(bytes: Uint8Array): Partial<ProtoField> {
  const v = view(bytes);
  if (bytes.length === 4) {
    const alternatives = [`float ${v.getFloat32(0, true)}`, `int32 ${v.getInt32(0, true)}`];
    return { kind: 'fixed32', text: hexOf(bytes), alternatives };
  }
  const alternatives = [`double ${v.getFloat64(0, true)}`, `int64 ${v.getBigInt64(0, true)}`];
  return { kind: 'fixed64', text: hexOf(bytes), alternatives };
}

function fixedAs(bytes: Uint8Array, type: string): string {
  const v = view(bytes);
  switch (type) {
    case 'fixed32':
      return String(v.getUint32(0, true));
    case 'sfixed32':
      return String(v.getInt32(0, true));
    case 'float':
      return String(v.getFloat32(0, true));
    case 'fixed64':
      return v.getBigUint64(0, true).toString();
    case 'sfixed64':
      return v.getBigInt64(0, true).toString();
    default:
      return String(v.getFloat64(0, true));
  }
}

function typedFixed(bytes: Uint8Array, type: string): Partial<ProtoField> {
  return { kind: 'scalar', text: fixedAs(bytes, type) };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Text a person would call text: no control characters other than tab, CR, LF. */
function isPrintable(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

export function bytesHex(bytes: Uint8Array): string {
  const shown = bytes.subarray(0, MAX_BYTES_SHOWN);
  let out = '';
  for (let i = 0; i < shown.length; i += 1)
    out += (i > 0 ? ' ' : '') + shown[i]!.toString(16).padStart(2, '0');
  return bytes.length > MAX_BYTES_SHOWN ? `${out} … (${bytes.length} bytes)` : out;
}

function tryMessage(
  bytes: Uint8Array,
  options: ProtoDecodeOptions,
  budget: Budget,
  depth: number,
): ProtoField[] | undefined {
  if (bytes.length === 0) return undefined;
  const before = budget.fields;
  const fields: ProtoField[] = [];
  try {
    readMessage(new Reader(bytes), options, budget, depth + 1, fields, undefined);
    return fields;
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    if (budget.fields > MAX_FIELDS) throw error;
    budget.fields = before;
    return undefined;
  }
}

function tryPackedVarints(bytes: Uint8Array): string[] | undefined {
  if (bytes.length === 0) return undefined;
  const reader = new Reader(bytes);
  const values: string[] = [];
  try {
    while (reader.offset < reader.end && values.length < 10_000) {
      const start = reader.offset;
      values.push(reader.varint().toString());
      // Encoders write varints in their shortest form: a trailing 0x00 byte means these are not varints.
      if (reader.offset - start > 1 && bytes[reader.offset - 1] === 0) return undefined;
    }
  } catch {
    return undefined;
  }
  return reader.offset === reader.end ? values : undefined;
}

/**
 * A length-delimited field without a schema. Printable text first (short strings often parse as
 * messages too: "hi" reads as field 13 = 105), then a message, then packed varints, then any
 * UTF-8, else bytes; the message reading of a string is kept as an alternative.
 */
function rawLen(bytes: Uint8Array, budget: Budget, depth: number): Partial<ProtoField> {
  const text = utf8Text(bytes);
  if (text !== undefined && isPrintable(text)) {
    return { kind: 'string', text };
  }
  const fields = tryMessage(bytes, {}, budget, depth);
  if (fields) return { kind: 'message', text: '', fields };
  const values = tryPackedVarints(bytes);
  if (values && values.length > 1)
    return { kind: 'packed', text: bytesHex(bytes), values, alternatives: ['packed varints (a guess)'] };
  if (text !== undefined) return { kind: 'string', text };
  return { kind: 'bytes', text: bytesHex(bytes), alternatives: [`${bytes.length} bytes`] };
}

function typedLen(
  bytes: Uint8Array,
  declared: ProtoFieldType,
  schema: ProtoSchema | undefined,
  budget: Budget,
  depth: number,
): Partial<ProtoField> {
  if (declared.type === 'string') {
    const text = utf8Text(bytes);
    return text !== undefined
      ? { kind: 'string', text }
      : { kind: 'bytes', text: bytesHex(bytes), mismatch: 'declared string, not UTF-8' };
  }
  if (declared.type === 'bytes')
    return { kind: 'bytes', text: bytesHex(bytes), alternatives: [`${bytes.length} bytes`] };
  if (declared.type === 'message' || declared.type === 'map') {
    const fields = tryMessage(bytes, { schema, typeName: declared.typeName }, budget, depth);
    if (fields) return { kind: 'message', text: '', fields };
    if (bytes.length === 0) return { kind: 'message', text: '', fields: [] };
    return {
      ...rawLen(bytes, budget, depth),
      mismatch: `declared ${declared.typeName ?? 'message'}, does not parse as one`,
    };
  }
  return rawLen(bytes, budget, depth);
}

/** A packed repeated scalar (proto3's default for repeated numbers). */
function packed(
  bytes: Uint8Array,
  declared: ProtoFieldType,
  schema: ProtoSchema | undefined,
): Partial<ProtoField> {
  const reader = new Reader(bytes);
  const values: string[] = [];
  const size = FIXED64_TYPES.has(declared.type) ? 8 : FIXED32_TYPES.has(declared.type) ? 4 : 0;
  try {
    while (reader.offset < reader.end && values.length < 10_000) {
      if (size === 0) values.push(varintAs(reader.varint(), declared.type, schema, declared.typeName));
      else values.push(fixedAs(reader.take(size), declared.type));
    }
  } catch {
    return {
      kind: 'bytes',
      text: bytesHex(bytes),
      mismatch: `declared packed ${declared.type}, does not parse as one`,
    };
  }
  return { kind: 'packed', text: '', values };
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/** The fields as text, one per line, indented by nesting, in the style of `protoc --decode_raw`. */
export function formatProtoText(fields: readonly ProtoField[], indent = ''): string {
  let out = '';
  for (const field of fields) {
    const label = field.name ? `${field.name} (${field.number})` : String(field.number);
    if (field.kind === 'message') {
      out += `${indent}${label} {\n${formatProtoText(field.fields ?? [], `${indent}  `)}${indent}}\n`;
    } else if (field.kind === 'packed') {
      out += `${indent}${label}: [${(field.values ?? []).join(', ')}]\n`;
    } else if (field.kind === 'string') {
      out += `${indent}${label}: ${quote(field.text)}\n`;
    } else if (field.kind === 'bytes') {
      out += `${indent}${label}: <${field.text}>\n`;
    } else {
      out += `${indent}${label}: ${field.text}\n`;
    }
  }
  return out;
}

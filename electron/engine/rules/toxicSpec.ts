/**
 * Reading toxics and proxies from the toxiproxy API's JSON bodies, with toxiproxy's defaults and
 * its error messages and status codes (toxiproxy 2.x api.go, toxic_collection.go): a client that
 * checks them sees what it would from toxiproxy. Pure.
 */
import {
  TOXIC_ATTRIBUTES,
  TOXIC_TYPES,
  type ToxicJson,
  type ToxicStream,
  type ToxicType,
} from '../../../shared/toxiproxy.js';

/** toxiproxy's ApiError: `{"error": message, "status": code}`. */
export class ToxiproxyApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ToxiproxyApiError';
  }
}

export const API_ERRORS = {
  badRequestBody: (why: string) => new ToxiproxyApiError(`bad request body: ${why}`, 400),
  missingField: (field: string) => new ToxiproxyApiError(`missing required field: ${field}`, 400),
  proxyNotFound: () => new ToxiproxyApiError('proxy not found', 404),
  proxyAlreadyExists: () => new ToxiproxyApiError('proxy already exists', 409),
  invalidStream: () => new ToxiproxyApiError('stream was invalid, can be either upstream or downstream', 400),
  invalidToxicType: () => new ToxiproxyApiError('invalid toxic type', 400),
  toxicAlreadyExists: () => new ToxiproxyApiError('toxic already exists', 409),
  toxicNotFound: () => new ToxiproxyApiError('toxic not found', 404),
};

/** How Go's encoding/json names a JSON value it cannot put into a field. */
function jsonKind(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return `number ${value}`;
  if (Array.isArray(value)) return 'array';
  return 'object';
}

function unmarshalError(value: unknown, field: string, goType: string): ToxiproxyApiError {
  const kind = typeof value === 'number' ? `number ${value}` : jsonKind(value);
  return API_ERRORS.badRequestBody(
    `json: cannot unmarshal ${kind} into Go struct field ${field} of type ${goType}`,
  );
}

/** Parses a request body as JSON; toxiproxy's message when it is not. */
export function parseBody(text: string): unknown {
  if (text.trim() === '') throw API_ERRORS.badRequestBody('EOF');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw API_ERRORS.badRequestBody((error as Error).message);
  }
}

function objectBody(value: unknown, goType: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw API_ERRORS.badRequestBody(
      `json: cannot unmarshal ${jsonKind(value)} into Go value of type ${goType}`,
    );
  }
  return value as Record<string, unknown>;
}

function stringField(body: Record<string, unknown>, key: string, goStruct: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw unmarshalError(value, `${goStruct}.${key}`, 'string');
  return value;
}

function boolField(body: Record<string, unknown>, key: string, goStruct: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw unmarshalError(value, `${goStruct}.${key}`, 'bool');
  return value;
}

function toxicityField(body: Record<string, unknown>, goStruct: string): number | undefined {
  const value = body.toxicity;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw unmarshalError(value, `${goStruct}.toxicity`, 'float32');
  // Toxicity is a probability: outside 0..1 it would silently mean "never" or "always".
  if (value < 0 || value > 1) throw API_ERRORS.badRequestBody(`toxicity ${value} is not between 0 and 1`);
  return Math.fround(value) === value ? value : Number(Math.fround(value).toPrecision(7));
}

/** Attributes decoded over `base` (toxiproxy decodes into the existing toxic's fields on update). */
function attributes(type: ToxicType, value: unknown, base: Record<string, number>): Record<string, number> {
  const spec = TOXIC_ATTRIBUTES[type];
  const out = { ...base };
  if (value === undefined || value === null) return out;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw API_ERRORS.badRequestBody(
      `json: cannot unmarshal ${jsonKind(value)} into Go struct field ToxicWrapper.attributes of type toxics.${spec.goType}`,
    );
  }
  const goInt = type === 'slicer' ? 'int' : 'int64';
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    // Unknown attributes are ignored, as Go's decoder does.
    if (!(key in spec.attributes)) continue;
    if (typeof raw !== 'number' || !Number.isInteger(raw)) {
      throw unmarshalError(raw, `${spec.goType}.attributes.${key}`, goInt);
    }
    if (raw < 0) throw API_ERRORS.badRequestBody(`${type}.${key} must not be negative (got ${raw})`);
    out[key] = raw;
  }
  return out;
}

function defaults(type: ToxicType): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(TOXIC_ATTRIBUTES[type].attributes)) out[key] = 0;
  return out;
}

/** A new toxic from `POST /proxies/{proxy}/toxics` (toxiproxy: AddToxicJson). */
export function toxicFromBody(text: string): ToxicJson {
  const body = objectBody(parseBody(text), 'toxics.ToxicWrapper');
  const rawStream = stringField(body, 'stream', 'ToxicWrapper') ?? 'downstream';
  const stream = rawStream.toLowerCase();
  if (stream !== 'upstream' && stream !== 'downstream') throw API_ERRORS.invalidStream();
  const type = stringField(body, 'type', 'ToxicWrapper') ?? '';
  const name = stringField(body, 'name', 'ToxicWrapper') || `${type}_${rawStream}`;
  const toxicity = toxicityField(body, 'ToxicWrapper') ?? 1;
  if (!(TOXIC_TYPES as readonly string[]).includes(type)) throw API_ERRORS.invalidToxicType();
  const toxicType = type as ToxicType;
  return {
    attributes: attributes(toxicType, body.attributes, defaults(toxicType)),
    name,
    type: toxicType,
    stream: stream as ToxicStream,
    toxicity,
  };
}

/** An existing toxic updated by `POST|PATCH /proxies/{proxy}/toxics/{toxic}` (attributes, toxicity). */
export function updatedToxic(existing: ToxicJson, text: string): ToxicJson {
  const body = objectBody(parseBody(text), 'struct { Attributes interface {}; Toxicity float32 }');
  return {
    ...existing,
    attributes: attributes(existing.type, body.attributes, existing.attributes),
    toxicity:
      toxicityField(body, 'struct { Attributes interface {}; Toxicity float32 }') ?? existing.toxicity,
  };
}

export interface ProxyFields {
  name?: string;
  listen?: string;
  upstream?: string;
  enabled?: boolean;
}

/** The fields of a proxy in a create, update or populate body. */
export function proxyFields(value: unknown): ProxyFields {
  const body = objectBody(value, 'toxiproxy.Proxy');
  const fields: ProxyFields = {};
  const name = stringField(body, 'name', 'Proxy');
  const listen = stringField(body, 'listen', 'Proxy');
  const upstream = stringField(body, 'upstream', 'Proxy');
  const enabled = boolField(body, 'enabled', 'Proxy');
  if (name !== undefined) fields.name = name;
  if (listen !== undefined) fields.listen = listen;
  if (upstream !== undefined) fields.upstream = upstream;
  if (enabled !== undefined) fields.enabled = enabled;
  return fields;
}

/** `host:port`, `[v6]:port` or `:port` (every address), as Go's net package reads them. */
export function splitHostPort(address: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(address.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/** What one toxic does, in words (the record's list of toxics applied to a connection). */
export function describeToxic(toxic: ToxicJson): string {
  const a = toxic.attributes;
  const what = (() => {
    switch (toxic.type) {
      case 'latency':
        return `latency ${a.latency} ms${a.jitter ? ` ± ${a.jitter} ms` : ''}`;
      case 'bandwidth':
        return `bandwidth ${a.rate} KB/s`;
      case 'slow_close':
        return `slow close ${a.delay} ms`;
      case 'timeout':
        return a.timeout ? `timeout: drop data, close after ${a.timeout} ms` : 'timeout: drop data';
      case 'reset_peer':
        return `reset peer after ${a.timeout} ms`;
      case 'slicer':
        return `slicer ~${a.average_size} bytes ± ${a.size_variation}, ${a.delay} µs apart`;
      case 'limit_data':
        return `limit data ${a.bytes} bytes`;
      case 'noop':
        return 'noop';
    }
  })();
  return `${toxic.name} (${what}, ${toxic.stream}${toxic.toxicity < 1 ? `, toxicity ${toxic.toxicity}` : ''})`;
}

/** HAR 1.2 types (http://www.softwareishard.com/blog/har-12-spec/) plus NetLens' underscore fields. */
import type { ErrorClass, FailurePhase } from './errors.js';

export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: { name: string; value?: string; fileName?: string; contentType?: string }[];
  encoding?: string;
  comment?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  comment?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}

export interface HarErrorField {
  class: ErrorClass;
  phase: FailurePhase;
  elapsedMs: number;
  message: string;
  detail?: string;
}

export interface HarNetlensField {
  id: string;
  connectionReused: boolean;
  retry?: { chainId: string; attempt: number };
  rule?: { id: string; name: string; action: string };
  truncated?: { request?: boolean; response?: boolean };
  kind?: 'http' | 'tunnel' | 'websocket';
  [key: string]: unknown;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  _error?: HarErrorField;
  _netlens?: HarNetlensField;
  [key: `_${string}`]: unknown;
}

export interface HarLog {
  version: string;
  creator: { name: string; version: string; comment?: string };
  browser?: { name: string; version: string };
  pages?: { startedDateTime: string; id: string; title: string; pageTimings: Record<string, unknown> }[];
  entries: HarEntry[];
  comment?: string;
}

export interface HarDocument {
  log: HarLog;
}

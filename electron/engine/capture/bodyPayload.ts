import type { BodyInfo, BodyPayload } from '../../../shared/model.js';
import type { CapturedBody } from './bodyCapture.js';
import { decodeBody } from './bodyDecoder.js';
import { readStoredBody } from './bodyStore.js';

/**
 * A captured body as the API gives it: its bytes, decoded (gzip, deflate, br removed) when
 * `decoded` and decodable. Wherever the body is kept — memory, a spill file, a session's blob.
 */
export async function bodyPayload(
  info: BodyInfo | undefined,
  stored: CapturedBody | undefined,
  decoded = true,
): Promise<BodyPayload | null> {
  const bytes = await readStoredBody(stored);
  if (!bytes || !info) return null;
  const truncated = info.truncated;
  const base = {
    truncated,
    sizeBytes: info.sizeBytes,
    ...(info.contentType ? { contentType: info.contentType } : {}),
  };
  if (stored?.alreadyDecoded) {
    // Nothing else to give: the encoded form was never kept (HAR carries decoded text).
    return { base64: bytes.toString('base64'), decoded: info.contentEncoding !== undefined, ...base };
  }
  if (decoded && info.contentEncoding) {
    const result = await decodeBody(bytes, info.contentEncoding, truncated);
    return { base64: result.bytes.toString('base64'), decoded: result.decoded, ...base };
  }
  return { base64: bytes.toString('base64'), decoded: false, ...base };
}

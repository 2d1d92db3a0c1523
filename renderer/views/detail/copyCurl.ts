import type { Exchange } from '../../../shared/model';
import { call } from '../../api';
import { base64ToBytes } from './bodyFormat';
import { buildCurl } from './curl';

/** The cURL command of an exchange, with its request body fetched from the engine when it has one. */
export async function curlForExchange(exchange: Exchange): Promise<string> {
  if (exchange.request.body.sizeBytes === 0) return buildCurl(exchange);
  const payload = await call('exchanges:body', exchange.id, 'request');
  if (!payload) return buildCurl(exchange);
  return buildCurl(exchange, { body: base64ToBytes(payload.base64), bodyTruncated: payload.truncated });
}

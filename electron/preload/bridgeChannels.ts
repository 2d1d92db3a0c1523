/**
 * The two IPC channels between the preload bridge and the main process: one for every API call
 * (the API channel travels as an argument and is validated in main), one for event batches.
 */
export { EVENTS_CHANNEL } from '../../shared/api.js';

export const INVOKE_CHANNEL = 'netlens:invoke';

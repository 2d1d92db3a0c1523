import type { Channel, ChannelArgs, ChannelValue } from '../../../shared/api.js';

export interface ChannelHandler<C extends Channel> {
  /** Validates the raw, untrusted argument list; throws ArgumentError (→ `bad_argument`). */
  parse(args: unknown): ChannelArgs<C>;
  /** Does the work. Throwing ApiFailure (or an Error with a lower-case `code`) sets the Result's code. */
  handle(...args: ChannelArgs<C>): Promise<ChannelValue<C>> | ChannelValue<C>;
}

export type HandlerTable = { [C in Channel]: ChannelHandler<C> };

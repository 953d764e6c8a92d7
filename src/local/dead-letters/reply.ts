import { gatewayReply, type HttpReply } from '../http-api/result';
import { RangeGoneError } from './redrive';
import { DeadLetterNotFoundError } from './store';

/** The local route's answer to a redrive: 200 with what was done, 404 naming why nothing was. */
export const redriveReply = async (redrive: () => Promise<unknown>): Promise<HttpReply> => {
  try {
    return gatewayReply(200, await redrive());
  } catch (error) {
    if (error instanceof DeadLetterNotFoundError)
      return gatewayReply(404, { error: 'DEAD_LETTER_NOT_FOUND', message: error.message });
    if (error instanceof RangeGoneError)
      return gatewayReply(404, { error: 'RANGE_GONE', message: `${error.message}; nothing was changed` });
    throw error;
  }
};

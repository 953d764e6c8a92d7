import { Logger } from '@aws-lambda-powertools/logger';
import type { ObservabilityConfig } from './config';
import { redactReplacer } from './redact';

/**
 * One JSON line per call on stdout (WARN and above on stderr, as Node's console does), in Lambda and in
 * the local runtime alike. The redacting replacer is inherited by child loggers, so no line can carry an
 * Authorization header or a token.
 */
export const createLogger = (config: ObservabilityConfig): Logger =>
  new Logger({
    serviceName: config.serviceName,
    logLevel: config.logLevel,
    jsonReplacerFn: redactReplacer,
  });

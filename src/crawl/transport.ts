/**
 * Picks the one-attempt transport by FETCH_MODE: `http` (undici, the default and the fast
 * one) or `browser` (Chromium through Playwright, for when the site only answers browsers).
 */
import type { Config } from '../../config/index.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { createBrowserFetcher } from './browser-fetcher.ts';
import type { Fetcher } from './fetcher.ts';
import { createHttpFetcher } from './http-fetcher.ts';

export type TransportConfig = Pick<
  Config,
  'fetchMode' | 'senateBaseUrl' | 'crawlerContact' | 'fetchTimeoutMs' | 'connectTimeoutMs' | 'maxBodyBytes' | 'chromiumPath'
>;

export function createTransport(config: TransportConfig, logger: Logger = silentLogger): Fetcher {
  return config.fetchMode === 'browser' ? createBrowserFetcher({ config, logger }) : createHttpFetcher({ config, logger });
}

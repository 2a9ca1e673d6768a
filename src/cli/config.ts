import { loadConfig, readEnv, type Config } from '../../config/index.ts';
import type { Io } from './io.ts';

/** The settings from the command's environment (and `.env` in its working directory). */
export function configFor(io: Pick<Io, 'env' | 'cwd'>): Config {
  return loadConfig(readEnv(io.env, io.cwd));
}

/** The version of xts: the cli package's own, read at build time (esbuild inlines the JSON). */
import pkg from '../package.json';

/** `xts --version`. */
export const VERSION: string = pkg.version;

import pkg from '../../package.json' with { type: 'json' }

/** The version the CLI and the API report (package.json's). */
export const BATON_VERSION: string = pkg.version

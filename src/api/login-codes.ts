/**
 * @module
 * The API path that trades the daemon's bearer token for a one-time dashboard sign-in code:
 * the dashboard serves it and `baton dashboard` calls it.
 */
export const LOGIN_CODES_PATH = '/apis/baton.dev/v1/login-codes'

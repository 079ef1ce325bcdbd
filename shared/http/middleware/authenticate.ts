/**
 * Who is calling: the principal from the verified token's claims (the JWT authorizer in AWS, the local server
 * locally): a person on every route, a machine client on the routes for machine clients. No principal, no
 * request: 401. The caller the use cases receive is built here, once.
 */
import type middy from '@middy/core';
import { HttpError } from '../errors.ts';
import { clientPrincipalFromEvent, principalFromEvent } from '../principal.ts';
import type { HttpContext, HttpDeps, HttpEvent, HttpResult } from '../state.ts';
import { stateOf } from '../state.ts';

export function authenticate(deps: HttpDeps): middy.MiddlewareObj<HttpEvent, HttpResult, Error, HttpContext> {
  return {
    before: async (request) => {
      const state = stateOf(request.context);
      const principal =
        state.endpoint.authorization.who === 'client'
          ? clientPrincipalFromEvent(request.event, deps.config.machines.clientIdClaim)
          : principalFromEvent(request.event, deps.config.auth);
      if (!principal)
        throw new HttpError('UNAUTHENTICATED', 'Cần đăng nhập (Authorization: Bearer <token>).');
      const now = new Date();
      let store: ReturnType<HttpDeps['store']> | undefined;
      let jobs: ReturnType<HttpDeps['jobs']> | undefined;
      let files: ReturnType<HttpDeps['files']> | undefined;
      // Resolved on first use: the docs function has no table and never asks for one.
      state.caller = {
        principal,
        now,
        get store() {
          store ??= deps.store();
          return store;
        },
        get jobs() {
          jobs ??= deps.jobs(this.store);
          return jobs;
        },
        get files() {
          files ??= deps.files();
          return files;
        },
      };
    },
  };
}

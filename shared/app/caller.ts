/**
 * Who is calling and with what: the principal (from the verified token, never from the request body), the store,
 * and the request's time. Every use case takes a `Caller`; adapters build it (the HTTP adapter from the JWT
 * authorizer's claims, the jobs as the system).
 */
import type { Store } from '../store/store.ts';

export const GROUPS = ['hr', 'admin'] as const;
export type Group = (typeof GROUPS)[number];

export const isGroup = (value: string): value is Group => (GROUPS as readonly string[]).includes(value);

export interface Principal {
  /**
   * The employee id from the configured claim, or `sub` when that claim is absent. For a machine client,
   * `client:<clientId>`: never an employee id (ids cannot hold `:`), and what receipts and audit logs record.
   */
  employeeId: string;
  groups: Group[];
  /** Set for a machine client (a work system with a client-credentials token), which is no employee. */
  client?: MachineClient;
}

/** A work system calling with OAuth client credentials: its client id and the scopes its token carries. */
export interface MachineClient {
  clientId: string;
  scopes: string[];
}

/** The principal of a machine client. */
export const clientPrincipal = (client: MachineClient): Principal => ({
  employeeId: `client:${client.clientId}`,
  groups: [],
  client,
});

export interface Caller {
  store: Store;
  principal: Principal;
  now: Date;
}

export const isAdmin = (p: Principal) => p.groups.includes('admin');
export const isHr = (p: Principal) => p.groups.includes('hr');

export { SYSTEM_ACTOR } from '../domain/types.ts';

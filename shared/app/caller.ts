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
  /** The employee id from the configured claim, or `sub` when that claim is absent. */
  employeeId: string;
  groups: Group[];
}

export interface Caller {
  store: Store;
  principal: Principal;
  now: Date;
}

export const isAdmin = (p: Principal) => p.groups.includes('admin');
export const isHr = (p: Principal) => p.groups.includes('hr');

/** The scheduled jobs act as the system: recorded as `system` in every history they write. */
export const SYSTEM_ACTOR = 'system';

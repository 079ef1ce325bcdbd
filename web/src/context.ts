/** What every page needs: the runtime config, the API client, who is signed in and a way to refresh it. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api/client.ts';
import type { Me } from './api/types.ts';
import type { RuntimeConfig } from './config.ts';
import { type Cycle, comparePeriods } from './lib/dates.ts';

export interface AppContextValue {
  config: RuntimeConfig;
  api: Api;
  me: Me;
  /** Re-reads `/v1/me` (pending counts) after an action. */
  reloadMe: () => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside AppContext');
  return value;
}

/** The open period a page shows by default: the latest open one, else the current month. */
export function defaultPeriod(me: Me, current: string): string {
  const open = [...me.openPeriods].sort(comparePeriods);
  return open.includes(current) ? current : (open.at(-1) ?? current);
}

/** The open period the person's own page shows by default: the latest they are evaluated in, else as above. */
export function ownDefaultPeriod(me: Me, current: string): string {
  const own = [...(me.ownPeriods ?? [])].sort(comparePeriods);
  if (own.length === 0) return defaultPeriod(me, current);
  return own.includes(current) ? current : (own.at(-1) ?? current);
}

/** The kinds of period the deployment has (an older cached `/v1/me` may not say: monthly). */
export const cyclesOf = (me: Me): Cycle[] => (me.cycles?.length ? me.cycles : ['monthly']);

/** HR or an administrator: the organisation's reports and settings. */
export const isHr = (roles: readonly string[]) => roles.includes('hr') || roles.includes('admin');

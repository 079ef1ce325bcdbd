/** Writes a generated city through the store's bulk loader, with progress. */
import type { Store } from '../../../shared/store/store.ts';
import { type City, cityRecords } from './generate.ts';

export function writeCity(
  store: Store,
  city: City,
  options: { concurrency?: number; onProgress?: (written: number) => void } = {},
): Promise<number> {
  return store.bulk.load(cityRecords(city), options);
}

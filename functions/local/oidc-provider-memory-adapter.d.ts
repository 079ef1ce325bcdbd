/**
 * oidc-provider's own in-memory adapter, imported by its path (the package has no `exports` map). Passing its
 * factory on purpose, rather than leaving `adapter` unset, is what tells the provider that an in-memory store is
 * meant here: it then prints no "development-only adapter" warning. `@types/oidc-provider` does not declare it.
 */
declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  import type { AdapterFactory } from 'oidc-provider';

  /** A factory over one fresh LRU store (1,000 entries) per call: one store per provider instance. */
  export function createMemoryAdapter(clockTolerance?: number): AdapterFactory;
}

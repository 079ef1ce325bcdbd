/** The in-memory store the use-case tests run on keeps the store's contract (the same suite runs on DynamoDB). */
import { createMemoryStore } from '../support/memory-store.ts';
import { storeContract } from '../support/store-contract.ts';

storeContract('in memory', async () => createMemoryStore());

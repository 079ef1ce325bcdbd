/** The DynamoDB store keeps the store's contract (the same suite holds the in-memory store to it). */
import { storeContract } from '../support/store-contract.ts';
import { freshTable } from '../support/table.ts';

storeContract('DynamoDB', async () => (await freshTable('contract')).store);

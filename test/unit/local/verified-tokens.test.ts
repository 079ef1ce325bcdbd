/**
 * The local server's memory of verified tokens (functions/local/server.ts): a token is taken on trust again only
 * while it is valid, only once verified, and the memory stays bounded.
 */
import { describe, expect, it } from 'vitest';
import { verifiedTokenCache } from '../../../functions/local/server.ts';

const at = (seconds: number) => seconds * 1000;

describe('verified tokens', () => {
  it('answers a verified token until it expires, then forgets it', () => {
    const cache = verifiedTokenCache();
    const claims = { sub: 'stc-ns-03', exp: 1_000 };
    expect(cache.get(false, 't', at(900))).toBeNull();
    expect(cache.keep(false, 't', claims)).toBe(claims);
    expect(cache.get(false, 't', at(999.5))).toBe(claims);
    expect(cache.get(false, 't', at(1_000))).toBeNull();
    // Forgotten: even a clock going back does not bring it back without a new verification.
    expect(cache.get(false, 't', at(999))).toBeNull();
  });

  it('keeps nothing for a refused token or one without exp; honours nbf; people and machines apart', () => {
    const cache = verifiedTokenCache();
    expect(cache.keep(false, 'refused', null)).toBeNull();
    expect(cache.get(false, 'refused', at(1))).toBeNull();
    cache.keep(false, 'forever', { sub: 'x' });
    expect(cache.get(false, 'forever', at(1))).toBeNull();
    cache.keep(false, 'later', { sub: 'x', nbf: 500, exp: 1_000 });
    expect(cache.get(false, 'later', at(499))).toBeNull();
    cache.keep(true, 'machine', { client_id: 'qlvb', exp: 1_000 });
    expect(cache.get(false, 'machine', at(1))).toBeNull();
    expect(cache.get(true, 'machine', at(1))).toMatchObject({ client_id: 'qlvb' });
  });

  it('forgets the oldest when full', () => {
    const cache = verifiedTokenCache(2);
    cache.keep(false, 'a', { exp: 10 });
    cache.keep(false, 'b', { exp: 10 });
    cache.keep(false, 'c', { exp: 10 });
    expect(cache.get(false, 'a', at(1))).toBeNull();
    expect(cache.get(false, 'b', at(1))).not.toBeNull();
    expect(cache.get(false, 'c', at(1))).not.toBeNull();
  });
});

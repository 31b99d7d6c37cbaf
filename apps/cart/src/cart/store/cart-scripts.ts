/**
 * Writes a cart if it is still at the revision it was read at (a random token per write, so a
 * cart deleted and made again can never match an old read). `KEYS[1]` is the cart; of the index
 * keys after it, the first `ARGV[6]` get the user id (with the TTL), the others lose it.
 * `ARGV`: expected revision ('' = no cart), mode (`set` | `delete` | `touch`), new revision,
 * body, user id, count of index keys to add, TTL in seconds (0 keeps the cart's TTL as it is).
 * Answers 1 when written, 0 when the cart changed meanwhile.
 */
export const COMPARE_AND_SET_CART = `
local current = redis.call('HGET', KEYS[1], 'rev') or ''
if current ~= ARGV[1] then return 0 end
local mode = ARGV[2]
local ttl = tonumber(ARGV[7])
if mode == 'delete' then
  redis.call('DEL', KEYS[1])
elseif mode == 'set' then
  redis.call('HSET', KEYS[1], 'rev', ARGV[3], 'body', ARGV[4])
  if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
elseif ttl > 0 and current ~= '' then
  redis.call('EXPIRE', KEYS[1], ttl)
end
local adds = tonumber(ARGV[6])
for i = 2, #KEYS do
  if i - 1 <= adds then
    redis.call('SADD', KEYS[i], ARGV[5])
    if ttl > 0 then redis.call('EXPIRE', KEYS[i], ttl) end
  else
    redis.call('SREM', KEYS[i], ARGV[5])
  end
end
return 1
`;

/**
 * Records what an event says about a product: a price only if its version is newer than the one
 * held (so replays and duplicates cannot move it back), a withdrawal for good.
 * `KEYS[1]` the product; `ARGV`: kind (`price` | `withdrawn`), TTL, version, amount, currency.
 */
export const RECORD_PRODUCT_CHANGE = `
if ARGV[1] == 'price' then
  local held = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
  if tonumber(ARGV[3]) > held then
    redis.call('HSET', KEYS[1], 'version', ARGV[3], 'amount', ARGV[4], 'currency', ARGV[5])
  end
else
  redis.call('HSET', KEYS[1], 'withdrawn', '1')
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`;

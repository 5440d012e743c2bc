-- A mixed interpreter workload for the Lua 5.4 guest: recursion, tables, sorting,
-- strings and closures. Read from stdin (`lua - SCALE`); prints checksums only, so the
-- output is the same on every machine and can be compared with qemu-riscv64's.
local scale = tonumber(arg[1]) or 1

local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

local function sieve(n)
  local composite, count = {}, 0
  for i = 2, n do
    if not composite[i] then
      count = count + 1
      for j = i * i, n, i do composite[j] = true end
    end
  end
  return count
end

local function sort_words(n)
  local seed, words = 42, {}
  for i = 1, n do
    seed = (seed * 1103515245 + 12345) % 2147483648
    words[i] = string.format("w%08x", seed)
  end
  table.sort(words)
  return words[1] .. words[n // 2] .. words[n]
end

local function closures(n)
  local acc = 0
  local function adder(k) return function(x) return x + k end end
  for i = 1, n do acc = adder(i % 7)(acc) % 1000003 end
  return acc
end

local function strings(n)
  local parts = {}
  for i = 1, n do parts[#parts + 1] = tostring(i * 3) end
  local s = table.concat(parts, ",")
  local sum = 0
  for num in s:gmatch("%d+") do sum = sum + #num end
  return #s, sum, (s:gsub("3", "x")):sub(1, 24)
end

local f = 0
for _ = 1, scale do f = f + fib(18) end
print("fib", f)
print("primes", sieve(15000 * scale))
print("sorted", sort_words(3000 * scale))
print("closures", closures(30000 * scale))
print("strings", strings(8000 * scale))

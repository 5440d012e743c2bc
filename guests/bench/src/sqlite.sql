-- The SQLite shell's workload: build a database of @ROWS@ generated orders in memory, index
-- it, then aggregate, join and sort. Only query results are printed.
CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, region TEXT);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, amount INTEGER, note TEXT);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 500)
  INSERT INTO customer SELECT i, 'customer-' || i, char(65 + i % 5) FROM c;
WITH RECURSIVE o(i, r) AS (SELECT 1, 7 UNION ALL SELECT i + 1, (r * 1103515245 + 12345) % 2147483648 FROM o WHERE i < @ROWS@)
  INSERT INTO orders SELECT i, 1 + r % 500, r % 10000, printf('note %d/%x', i, r) FROM o;
CREATE INDEX orders_customer ON orders(customer);
CREATE INDEX orders_amount ON orders(amount);
SELECT count(*), sum(amount), min(note), max(note) FROM orders;
SELECT region, count(*), sum(o.amount), avg(o.amount) FROM orders o JOIN customer c ON c.id = o.customer GROUP BY region ORDER BY region;
SELECT c.name, sum(o.amount) AS total FROM orders o JOIN customer c ON c.id = o.customer GROUP BY c.id ORDER BY total DESC, c.name LIMIT 5;
SELECT count(*) FROM orders WHERE amount BETWEEN 1000 AND 2000 AND note LIKE '%a%';
SELECT id, amount FROM orders ORDER BY note DESC LIMIT 3;
UPDATE orders SET amount = amount + 1 WHERE customer % 3 = 0;
DELETE FROM orders WHERE amount < 100;
SELECT count(*), sum(amount) FROM orders;

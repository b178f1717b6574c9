SELECT customer, count(*) AS orders, sum(amount) AS total FROM order_lines GROUP BY customer ORDER BY total DESC;
SELECT c.name, coalesce(sum(p.price * o.quantity), 0) AS spent FROM customer c LEFT JOIN orders o ON o.customer_id = c.id LEFT JOIN product p ON p.sku = o.sku GROUP BY c.name ORDER BY c.name;
SELECT title, price FROM product WHERE price > (SELECT avg(price) FROM product) ORDER BY price;
EXPLAIN SELECT * FROM orders WHERE customer_id = 2;
SELECT 0.1 + 0.2 AS exact_numeric, 0.1::float8 + 0.2::float8 AS binary_float;

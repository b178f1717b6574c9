-- The demo database of scripts/run: a small shop with exact money.
CREATE TABLE customer (
  id integer PRIMARY KEY,
  name text NOT NULL,
  country varchar(2) NOT NULL DEFAULT 'NL'
);
CREATE TABLE product (
  sku text PRIMARY KEY,
  title text NOT NULL,
  price numeric(10,2) NOT NULL CHECK (price > 0)
);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id integer NOT NULL,
  sku text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0)
);
CREATE INDEX orders_customer ON orders (customer_id);

INSERT INTO customer VALUES (1, 'Ada', 'GB'), (2, 'Grace', 'US'), (3, 'Edsger', 'NL'),
  (4, 'Barbara', 'US');
INSERT INTO product VALUES ('tea', 'Green tea 100g', 4.95), ('cup', 'Porcelain cup', 12.50),
  ('pot', 'Tea pot', 34.99), ('spoon', 'Measuring spoon', 2.10);
INSERT INTO orders VALUES (1, 1, 'tea', 3), (2, 1, 'cup', 2), (3, 2, 'pot', 1), (4, 2, 'tea', 10),
  (5, 3, 'spoon', 4), (6, 3, 'tea', 1), (7, 1, 'pot', 1);

CREATE VIEW order_lines AS
  SELECT o.id, c.name AS customer, p.title, o.quantity, p.price * o.quantity AS amount
  FROM orders o JOIN customer c ON c.id = o.customer_id JOIN product p ON p.sku = o.sku;

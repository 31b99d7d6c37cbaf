-- One database per service (database-per-service: no service reads another's tables).
CREATE DATABASE shopmesh_catalog;
CREATE DATABASE shopmesh_identity;
CREATE DATABASE shopmesh_inventory;
CREATE DATABASE shopmesh_orders;
CREATE DATABASE shopmesh_payments;

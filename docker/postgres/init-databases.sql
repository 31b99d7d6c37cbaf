-- One database per service (database-per-service: no service reads another's tables).
-- Run by the postgres image on its first start only (an empty data volume). For a volume created
-- before a database was added here, create it by hand, e.g.
--   docker compose -f docker/docker-compose.yml exec postgres createdb -U postgres shopmesh_<service>
-- or start over with `docker compose -f docker/docker-compose.yml down -v` (deletes all data).
CREATE DATABASE shopmesh_catalog;
CREATE DATABASE shopmesh_identity;
CREATE DATABASE shopmesh_inventory;
CREATE DATABASE shopmesh_orders;
CREATE DATABASE shopmesh_payments;

-- A role and a database per service, for the compose setup. Run once by the postgres image
-- when its data volume is empty (/docker-entrypoint-initdb.d/), as the postgres superuser.
-- The passwords come from the container's environment (deploy/.env), never from this file.

\getenv registration_password REGISTRATION_DB_PASSWORD
\getenv badges_password BADGES_DB_PASSWORD
\getenv notifications_password NOTIFICATIONS_DB_PASSWORD

CREATE ROLE registration LOGIN PASSWORD :'registration_password';
CREATE ROLE badges LOGIN PASSWORD :'badges_password';
CREATE ROLE notifications LOGIN PASSWORD :'notifications_password';

-- Each database belongs to its service's role (so it owns the public schema and can migrate),
-- and only that role may connect: a service never reads another service's tables.
CREATE DATABASE registration OWNER registration;
CREATE DATABASE badges OWNER badges;
CREATE DATABASE notifications OWNER notifications;

REVOKE ALL ON DATABASE registration FROM PUBLIC;
REVOKE ALL ON DATABASE badges FROM PUBLIC;
REVOKE ALL ON DATABASE notifications FROM PUBLIC;

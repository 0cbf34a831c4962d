"""/readyz turns unready when PostgreSQL or RabbitMQ goes away, and ready when it returns.

Each is reached through a TCP proxy that the test cuts: from the service's side, exactly as if
the server had stopped.
"""

from __future__ import annotations

import pytest

from services.registration.app import create_app
from services.registration.service import SERVICE
from tests.conftest import make_settings, migrated, wait_for
from tests.integration.proxy import CuttableProxy

pytestmark = pytest.mark.integration


@pytest.fixture
def proxies():
    database, broker = CuttableProxy(("127.0.0.1", 5432)), CuttableProxy(("127.0.0.1", 5672))
    database.up()
    broker.up()
    yield database, broker
    database.down()
    broker.down()


@pytest.fixture
def client(tmp_path, amqp_url, postgres_databases, proxies):
    database, broker = proxies
    url = postgres_databases(f"ready_{tmp_path.name[-8:].lower()}")
    settings = migrated(
        SERVICE,
        make_settings(
            "registration",
            tmp_path / "var",
            database_url=url.replace(":5432/", f":{database.port}/"),
            broker_url=amqp_url.replace(":5672/", f":{broker.port}/"),
        ),
    )
    app = create_app(settings)
    yield app.test_client()
    app.extensions["ceremony"].database.dispose()


def status(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    return response.status_code, response.json


def test_ready_when_both_answer(client):
    assert status(client) == (200, {"status": "ready", "database": "ok", "broker": "ok"})


def test_unready_without_the_database_and_ready_again_when_it_returns(client, proxies):
    database, _ = proxies
    database.down()
    code, body = status(client)
    assert code == 503
    assert body["database"].startswith("unreachable") and body["broker"] == "ok"
    database.up()
    wait_for(lambda: status(client)[0] == 200, timeout=20)


def test_unready_without_rabbitmq_and_ready_again_when_it_returns(client, proxies):
    _, broker = proxies
    broker.down()
    code, body = status(client)
    assert code == 503
    assert body["broker"].startswith("unreachable") and body["database"] == "ok"
    broker.up()
    wait_for(lambda: status(client)[0] == 200, timeout=20)

"""Fixtures of the deployment tests: the integration tests' throwaway RabbitMQ vhost."""

from tests.integration.conftest import amqp_url

__all__ = ["amqp_url"]

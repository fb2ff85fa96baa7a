"""Command-line tools that join microservice-stack through its contracts (contracts/asyncapi.yaml)."""

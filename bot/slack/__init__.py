"""Slack plumbing: the Web API client, the directory of people, sending messages, payloads."""

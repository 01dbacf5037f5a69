"""The demo week and the Slack stand-in it (and the tests) run against."""

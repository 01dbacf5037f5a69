"""The app and its wiring: settings, the factory, the server, the scheduler, the CLI."""

"""`python -m bot` runs the `coachbot` command."""

from bot.app.cli import main

raise SystemExit(main())

"""`python -m bot` runs the `coachbot` command."""

from bot.cli import main

raise SystemExit(main())

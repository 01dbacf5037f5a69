"""Pure Block Kit builders (build_*) and submission parsers (parse_*): no database, no client."""

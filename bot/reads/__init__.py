"""Read models: Home, daily lists, digests, nudges and reports; they may query freely."""

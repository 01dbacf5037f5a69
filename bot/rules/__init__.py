"""The rules that change things: visits, cycles, reflections, celebrations, roster, outbox."""

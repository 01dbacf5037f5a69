"""Typed models, the engine and session factory, repositories, unit of work and migrations."""

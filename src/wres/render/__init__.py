"""Renderers: they read a (disclosed) metrics document and never compute."""

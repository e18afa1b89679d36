"""Widgets of the dashboard and the inspector."""

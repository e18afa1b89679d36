"""Screens: help, too-small, inspector, digit detail."""

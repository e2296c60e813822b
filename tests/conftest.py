"""Shared fixtures for every test level."""

from __future__ import annotations

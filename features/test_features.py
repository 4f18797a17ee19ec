"""Runs every features/*.feature file with the shared steps in features/conftest.py."""

from pytest_bdd import scenarios

scenarios(".")
